"""`manage.py check --deploy` reports our own misconfigurations beside Django's and the toolkit's."""
from __future__ import annotations

import ipaddress
import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def procure_deploy_checks(app_configs=None, **kwargs):
    problems = []
    if settings.SECRET_KEY == getattr(settings, "DEVELOPMENT_SECRET_KEY", None):
        problems.append(Error("SECRET_KEY is the development key.", hint="Set SECRET_KEY.", id="procure.E001"))
    if not (settings.PROCURE_JWT_PRIVATE_KEY or settings.PROCURE_JWT_PRIVATE_KEY_FILE):
        problems.append(Error(
            "JWTs are signed with the generated development key.",
            hint="Set JWT_PRIVATE_KEY_FILE (or JWT_PRIVATE_KEY) to an RSA private key.", id="procure.E002"))
    if settings.DEBUG:
        problems.append(Error("DEBUG is on.", hint="Set DEBUG=0.", id="procure.E003"))
    workers = int(os.environ.get("WEB_CONCURRENCY", "2") or 1)
    if not settings.REDIS_URL:
        level = Error if workers > 1 else Warning
        problems.append(level(
            "No REDIS_URL: nonces, rate limits and revocation caches live in one process only"
            + (f", but WEB_CONCURRENCY={workers} runs several." if workers > 1 else "."),
            hint="Set REDIS_URL to the shared Redis.", id="procure.E004" if workers > 1 else "procure.W004"))
    problems.extend(_proxy_problems(settings.TRUSTED_PROXIES))
    if not settings.PROCURE_REQUIRE_HTTPS:
        problems.append(Error("PROCURE_REQUIRE_HTTPS is off: credentials may travel in clear text.", id="procure.E006"))
    from oauth2_provider.settings import DEFAULTS, oauth2_settings

    gates = [name for name in DEFAULTS if name.startswith("COMPLIANT_BCP_RFC9700_") and getattr(oauth2_settings, name) is not True]
    if gates:
        problems.append(Error("RFC 9700 gates are off: " + ", ".join(sorted(gates)), hint="Set them to True.", id="procure.E007"))
    return problems


def _proxy_problems(entries) -> list:
    if not entries:
        return [Warning(
            "TRUSTED_PROXIES is empty: behind a load balancer every client has the balancer's address "
            "(IP allowlists and per-address limits see one client) and X-Forwarded-Proto is ignored.",
            hint="List the load balancer's addresses in TRUSTED_PROXIES.", id="procure.W005")]
    problems = []
    for entry in entries:
        try:
            network = ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            problems.append(Error(f"TRUSTED_PROXIES entry {entry!r} is not an address or CIDR range.", id="procure.E005"))
            continue
        too_broad = network.prefixlen < (16 if network.version == 4 else 48)
        if too_broad or network.is_global and network.num_addresses > 256:
            problems.append(Error(
                f"TRUSTED_PROXIES entry {entry!r} is over-broad: anyone in it can forge client addresses.",
                hint="List only your proxies' addresses.", id="procure.E005"))
    return problems
