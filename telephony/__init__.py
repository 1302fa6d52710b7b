"""Incoming calls: the call bus, the serial CTI reader, the LG U+ Centrex client, poller and ring
callback (TELEPHONY.md). `telephony.runtime` holds the running instances."""
