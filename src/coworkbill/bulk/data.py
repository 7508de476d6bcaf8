"""The bulk data set's fixed ingredients: its locations (currencies, zones, tax rates, numbering,
price lists) and small lists of names, companies and streets to combine into customers.

Guarantees: pure constants; every price is exact at its currency's minor unit (JPY has none,
BHD three), so a line's SubTotal (price x quantity) never needs rounding.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

D = Decimal


class Product(NamedTuple):
    key: str
    name: str
    reduced_tax: bool  # food and events take the reduced rate where a location has one
    max_quantity: int
    eur_price: Decimal


MEMBERSHIPS = {
    "hot": Product("hot", "Hot desk membership", False, 1, D("180")),
    "desk": Product("desk", "Dedicated desk membership", False, 1, D("290")),
    "office": Product("office", "Private office, 4 desks", False, 1, D("1450")),
}
EXTRAS = (
    Product("room", "Meeting room booking", False, 8, D("45")),
    Product("day", "Day pass", False, 10, D("25")),
    Product("print", "Printing, 100 pages", False, 5, D("8.50")),
    Product("coffee", "Coffee & snacks bundle", True, 6, D("15")),
    Product("locker", "Locker rental", False, 1, D("20")),
    Product("mail", "Mail handling & registered address", False, 1, D("35")),
    Product("event", "Event ticket: founders breakfast", True, 3, D("12")),
    Product("parking", "Parking space", False, 1, D("95")),
    Product("booth", "Phone booth hours", False, 10, D("6")),
    Product("lunch", "Catered team lunch", True, 4, D("22.50")),
)


class Location(NamedTuple):
    name: str
    zone: str
    currency: str
    country: str
    prefix: str
    padding: int
    tax_rate: Decimal
    tax_name: str
    reduced_rate: Decimal | None
    reduced_name: str | None
    per_eur: Decimal  # price list = EUR list x this, rounded to the currency's minor unit
    terms_days: int  # DueDate = issue date + this
    exchange: tuple[Decimal, str] | None  # (rate, reporting currency) of business settings
    domain: str
    address: str
    tax_id: str
    city: str
    state: str | None
    streets: tuple[str, ...]
    post_code: str  # a str.format pattern fed with random digits {0}..{2}
    names: str  # key into FIRST / LAST
    legal_form: str
    providers: tuple[int, ...]  # RegularPaymentProvider of its customers
    weight: int  # share of the invoices


LOCATIONS = (
    Location(
        "Berlin Loft Collective", "Europe/Berlin", "EUR", "DE", "BER-", 6, D("19"), "MwSt 19%",
        D("7"), "MwSt 7%", D("1"), 14, None, "berlinloft.example",
        "Torstraße 109, 10119 Berlin", "DE298765432", "Berlin", None,
        ("Torstraße", "Kastanienallee", "Oranienstraße", "Bergmannstraße", "Kantstraße"),
        "10{0}{1}{2}", "de", "GmbH", (2, 12, 96), 22,
    ),
    Location(
        "Austin Commons", "America/Chicago", "USD", "US", "ATX", 7, D("8.25"),
        "Texas sales tax", None, None, D("1.08"), 30, None, "austincommons.example",
        "600 Congress Ave, Austin, TX 78701", "74-3456789", "Austin", "TX",
        ("Congress Ave", "South Lamar Blvd", "East 6th St", "Guadalupe St", "Red River St"),
        "787{0}{1}", "us", "LLC", (2, 11, 96), 20,
    ),
    Location(
        "Shoreditch Exchange", "Europe/London", "GBP", "GB", "SHX/", 5, D("20"), "VAT 20%",
        D("5"), "VAT 5%", D("0.86"), 14, None, "shoreditchx.example",
        "1 Rivington Place, London EC2A 3BA", "GB123456789", "London", None,
        ("Curtain Road", "Great Eastern Street", "Old Street", "Hoxton Square", "Brick Lane"),
        "E{0} {1}A{2}", "gb", "Ltd", (2, 13, 12), 20,
    ),
    Location(
        "Shibuya Desk Works", "Asia/Tokyo", "JPY", "JP", "SBY-", 6, D("10"), "消費税 10%",
        D("8"), "軽減税率 8%", D("160"), 30, None, "shibuyadesk.example",
        "2-21-1 Shibuya, Shibuya-ku, Tokyo 150-8510", "T1234567890123", "Tokyo", "Tokyo",
        ("Dogenzaka", "Jingumae", "Udagawacho", "Ebisu-Minami", "Sakuragaokacho"),
        "150-00{0}{1}", "jp", "K.K.", (2, 96), 14,
    ),
    Location(
        "Harbourside Sydney", "Australia/Sydney", "AUD", "AU", "SYD", 5, D("10"), "GST",
        None, None, D("1.65"), 14, None, "harbourside.example",
        "1 Macquarie Place, Sydney NSW 2000", "51 824 753 556", "Sydney", "NSW",
        ("George St", "Pitt St", "Harris St", "Crown St", "King St"),
        "20{0}{1}", "au", "Pty Ltd", (2, 96), 10,
    ),
    Location(
        "Zürich Werkraum", "Europe/Zurich", "CHF", "CH", "ZRH-", 5, D("8.1"), "MWST 8.1%",
        D("2.6"), "MWST 2.6%", D("0.95"), 30, (D("1.06520000"), "EUR"), "werkraum.example",
        "Hardturmstrasse 161, 8005 Zürich", "CHE-123.456.789 MWST", "Zürich", "ZH",
        ("Langstrasse", "Hardstrasse", "Seefeldstrasse", "Badenerstrasse", "Josefstrasse"),
        "80{0}{1}", "ch", "AG", (96, 2), 8,
    ),
    Location(
        "Bahrain Bay Workspace", "Asia/Bahrain", "BHD", "BH", "BBW", 5, D("10"), "VAT",
        None, None, D("0.41"), 30, None, "bahrainbay.example",
        "Bahrain Bay, Building 1456, Manama", "220000123400002", "Manama", None,
        ("Road 4609", "Road 2803", "Government Avenue", "Road 1705", "Road 3801"),
        "Block {0}{1}{2}", "bh", "W.L.L.", (96, 97), 6,
    ),
)  # fmt: skip

FIRST = {
    "de": ("Lena", "Jonas", "Mia", "Felix", "Hannah", "Lukas", "Sophie", "Maximilian", "Emma",
           "Paul", "Clara", "Leon", "Marie", "Tim", "Anna", "Finn"),
    "us": ("James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason",
           "Isabella", "Lucas", "Mia", "Aiden", "Harper", "Elijah", "Amelia"),
    "gb": ("Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Emily", "Charlie",
           "Poppy", "Thomas", "Freya", "Alfie", "Grace"),
    "jp": ("Haruto", "Yui", "Sota", "Hina", "Yuto", "Mei", "Riku", "Sakura", "Ren", "Aoi",
           "Kaito", "Yuna"),
    "au": ("Jack", "Charlotte", "Lachlan", "Matilda", "William", "Chloe", "Cooper", "Isla",
           "Oliver", "Ruby", "Henry", "Zoe"),
    "ch": ("Luca", "Lea", "Noah", "Mia", "Elias", "Lina", "Nico", "Laura", "Matteo", "Sara",
           "Jan", "Anna"),
    "bh": ("Ahmed", "Fatima", "Mohammed", "Maryam", "Ali", "Noor", "Hassan", "Zainab", "Yousif",
           "Layla"),
}  # fmt: skip
LAST = {
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf"),
    "us": ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
           "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Nguyen"),
    "gb": ("Taylor", "Davies", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Robinson",
           "Thompson", "White", "Hughes", "Edwards", "Patel", "Khan"),
    "jp": ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
           "Kobayashi", "Kato"),
    "au": ("Smith", "Nguyen", "Kelly", "O'Brien", "Ryan", "Campbell", "Stewart", "Murphy",
           "Wilson", "Brown", "Chen"),
    "ch": ("Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Meyer",
           "Steiner", "Fischer", "Brunner", "Baumann"),
    "bh": ("Al Khalifa", "Al Mahmood", "Al Sayed", "Hasan", "Al Doseri", "Janahi", "Kanoo",
           "Al Zayani"),
}  # fmt: skip
COMPANY_WORDS = (
    "Northwind", "Bluepeak", "Lumen", "Copperleaf", "Brightline", "Quarry", "Atlas", "Foxglove",
    "Tidewater", "Ironbark", "Silverline", "Meridian", "Kestrel", "Juniper", "Saltbox",
    "Oakridge", "Cobalt", "Pinecrest", "Harbor", "Ember", "Nimbus", "Larkspur",
)  # fmt: skip
COMPANY_KINDS = (
    "Design", "Analytics", "Labs", "Studio", "Consulting", "Robotics", "Media", "Architects",
    "Ventures", "Software", "Legal", "Marketing", "Health", "Logistics",
)  # fmt: skip
