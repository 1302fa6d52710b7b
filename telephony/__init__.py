"""Incoming calls: the call bus, the serial CTI reader, the LG U+ Centrex poller and ring callback
(docs/telephony.md; the Centrex HTTP client itself is services.centrex_client). `telephony.runtime`
holds the running instances."""
