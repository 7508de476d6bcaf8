"""The demo's two locations: their time zones, currencies, taxes, prices and customers (data
only; ``demo.py`` writes them through the engine)."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple


class Customer(NamedTuple):
    name: str
    company: str | None
    email: str
    address: str
    city: str
    post_code: str
    state: str | None
    country: str
    provider: int  # RegularPaymentProvider: 2 Stripe, 12 GoCardless, 96 bank transfer


class Site(NamedTuple):
    name: str
    zone: str
    currency: str
    country: str
    prefix: str
    tax_rate: Decimal
    tax_name: str
    email: str
    address: str
    tax_id: str
    prices: dict[str, Decimal]  # hot desk, dedicated desk, meeting room, printing, coffee
    customers: tuple[Customer, ...]


D = Decimal
SITES = (
    Site(
        "Madrid Coworking Hub", "Europe/Madrid", "EUR", "ES", "MAD-", D("21"), "IVA general",
        "hola@madridhub.example", "Calle de Alcalá 120, 28009 Madrid", "ESB87654321",
        {"hot": D("180"), "desk": D("290"), "room": D("45"), "print": D("8.50"), "coffee": D("15")},
        (
            Customer("Lucía Fernández", None, "lucia.fernandez@example.es",
                     "Calle de Fuencarral 45, 3ºB", "Madrid", "28004", "Madrid", "ES", 2),
            Customer("Javier Morales", "Morales Arquitectos SL", "javier@moralesarq.example",
                     "Paseo de la Castellana 89", "Madrid", "28046", "Madrid", "ES", 12),
            Customer("Carmen Ruiz", None, "carmen.ruiz@example.es",
                     "Calle de Serrano 12", "Madrid", "28001", "Madrid", "ES", 96),
            Customer("Pablo Navarro", "Navarro & Vidal Abogados", "pablo@navarrovidal.example",
                     "Gran Vía 31, 5º", "Madrid", "28013", "Madrid", "ES", 12),
            Customer("Sofia Romano", "Studio Romano", "sofia@studioromano.example",
                     "Via Torino 18", "Milano", "20123", "MI", "IT", 2),
            Customer("Alejandro Gil", "Datapulse Analytics SL", "alejandro@datapulse.example",
                     "Calle de Atocha 27", "Madrid", "28012", "Madrid", "ES", 96),
        ),
    ),
    Site(
        "Brooklyn Works", "America/New_York", "USD", "US", "BKW-", D("8.875"), "NYC sales tax",
        "hello@brooklynworks.example", "33 Flatbush Ave, Brooklyn, NY 11217", "83-1234567",
        {"hot": D("325"), "desk": D("495"), "room": D("60"), "print": D("12"),
         "coffee": D("22.50")},
        (
            Customer("Maya Thompson", None, "maya.thompson@example.com",
                     "214 Bedford Ave, Apt 3R", "Brooklyn", "11249", "NY", "US", 2),
            Customer("Daniel Okafor", "Okafor Design LLC", "daniel@okafordesign.example",
                     "55 Water St", "Brooklyn", "11201", "NY", "US", 11),
            Customer("Priya Raman", None, "priya.raman@example.com",
                     "301 Atlantic Ave", "Brooklyn", "11201", "NY", "US", 2),
            Customer("Ethan Brooks", "Kiln & Co. Ceramics", "ethan@kilnandco.example",
                     "89 Franklin St", "Brooklyn", "11222", "NY", "US", 96),
            Customer("Grace Liu", "Harbor Robotics Inc.", "grace@harborrobotics.example",
                     "1 Main St, Suite 410", "Brooklyn", "11201", "NY", "US", 11),
            Customer("Olivia Tremblay", "Maple Leaf Media", "olivia@mapleleafmedia.example",
                     "200 Rue Saint-Jacques", "Montréal", "H2Y 1M6", "QC", "CA", 2),
        ),
    ),
)  # fmt: skip
