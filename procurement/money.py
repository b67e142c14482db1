"""Money arithmetic: Decimal amounts in an ISO 4217 currency, rounded to the currency's minor unit.

Pure Python (no Django). Never a float: amounts enter as Decimal (DRF parses JSON numbers and
strings into Decimal) and every rounding goes through `round_amount`.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

# The currencies we accept, with their ISO 4217 minor-unit exponent. Amounts are stored with two
# decimal places, so currencies with three (KWD, BHD...) are not offered.
CURRENCY_EXPONENTS: dict[str, int] = {
    "AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2,
    "GBP": 2, "HKD": 2, "INR": 2, "JPY": 0, "KRW": 0, "MXN": 2, "NOK": 2, "NZD": 2,
    "PLN": 2, "SEK": 2, "SGD": 2, "USD": 2, "ZAR": 2,
}

# The largest amount a DecimalField(max_digits=16, decimal_places=2) holds.
MAX_AMOUNT = Decimal("99999999999999.99")


class AmountTooLarge(ValueError):
    """An amount that does not fit the storage columns."""


def exponent(currency: str) -> int:
    return CURRENCY_EXPONENTS[currency]


def round_amount(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's minor unit (cents, or whole yen), stored with 2 places."""
    step = Decimal(1).scaleb(-exponent(currency))
    return amount.quantize(step, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))


def line_amount(quantity: Decimal, unit_price: Decimal, currency: str) -> Decimal:
    """quantity × unit price, rounded once per line (the amount an invoice line shows)."""
    return _checked(round_amount(quantity * unit_price, currency))


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of already-rounded line amounts: a total always equals the sum of its lines."""
    return _checked(sum(amounts, Decimal("0.00")).quantize(Decimal("0.01")))


def _checked(amount: Decimal) -> Decimal:
    if abs(amount) > MAX_AMOUNT:
        raise AmountTooLarge(f"Amounts must not exceed {MAX_AMOUNT}.")
    return amount
