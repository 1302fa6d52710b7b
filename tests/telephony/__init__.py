"""Stand-ins for the telephony devices and services (docs/telephony.md): a pseudo-terminal that plays a
serial caller-ID device, and a local HTTP server that speaks the Centrex API."""
