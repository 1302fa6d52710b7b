"""Factories for the tests: records made through the real services where the service is the
natural way in, written directly where a test only needs the record to exist.

- staff: make_staff, make_admin (and the PASSWORD they sign in with)
- customers: make_customer — the one customer factory (phones in the phone directory, optionally
  a trading partner)
- sales: items, quotes and quote lines; make_trading_customer (a customer with a trading partner)
- maintenance: products with modules and key locks; `code` looks up a seeded code entry
- calls: call records for 통화내역
- telephony: Centrex settings pointing at a local test server
"""
