"""IAM: users, roles, access keys, inline and managed policies, boundaries, tags, the simulator.

`operations(store)` is the table the server routes to; `documents` is what the authorizer reads.
"""

from rolegate.services.iam.service import HANDLERS, operations

__all__ = ["HANDLERS", "operations"]
