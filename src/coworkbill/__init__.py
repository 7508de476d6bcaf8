"""coworkbill: a self-hostable billing service that speaks the Nexudus Spaces billing REST API."""

__version__ = "0.1.0"
