"""The billing domain: invoices, invoice lines, invoice history and payments."""
