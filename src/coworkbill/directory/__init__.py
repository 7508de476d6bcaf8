"""Reference entities an invoice points at: countries, currencies, businesses and customers."""
