"""Workflow IDs derive from business IDs here and nowhere else."""


def account_activation(user_id: int) -> str:
    return f"account-activation-{user_id}"
