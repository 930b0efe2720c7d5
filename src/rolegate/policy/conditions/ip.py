"""IP address condition operators: IpAddress and NotIpAddress.

UG/reference_policies_elements_condition_operators.html#Conditions_IPAddress: values are IPv4 or
IPv6 addresses or ranges "in the standard CIDR format (for example, 203.0.113.0/24 or
2001:DB8:1234:5678::/64). If you specify an IP address without the associated routing prefix, IAM
uses the default prefix value of /32" (/128 for IPv6, by the same rule). Policy variables cannot be
used. Networks are parsed once; an address of one IP version is never inside a network of the other.
A policy value that is not CIDR is a validation problem; a request value that is not an address
matches no network.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from rolegate.policy.context import RequestContext
from rolegate.policy.errors import Problem
from rolegate.policy.kinds import PolicyVersion

from .numeric import typed_value_problem
from .operators import OperatorSpec
from .values import CompiledValues, PolicyValue, ValueTest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# `ipaddress` also reads netmask forms ("10.0.0.0/255.0.0.0"); AWS documents CIDR prefixes only.
_CIDR = re.compile(r"[0-9A-Fa-f:.]+(?:/\d{1,3})?")


def parse_network(text: str) -> Network | None:
    """A CIDR block; host bits may be set (`203.0.113.7/24` is the /24), as AWS accepts them."""
    if _CIDR.fullmatch(text) is None:
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _test(networks: tuple[Network, ...]) -> ValueTest:
    def test(value: str, context: RequestContext) -> bool:
        address = parse_address(value)
        if address is None:
            return False
        # `in` is False across IP versions, which is what AWS means: an IPv4 caller is not in
        # an IPv6 range.
        return any(address in network for network in networks)

    return test


def compile_ip(
    spec: OperatorSpec,
    values: tuple[PolicyValue, ...],
    version: PolicyVersion,
    problems: list[Problem],
) -> CompiledValues | None:
    networks: list[Network] = []
    for value in values:
        network = parse_network(value.text)
        if network is None:
            problems.append(typed_value_problem(spec, value, "an IPv4 or IPv6 CIDR block"))
            return None
        networks.append(network)
    return CompiledValues(_test(tuple(networks)))
