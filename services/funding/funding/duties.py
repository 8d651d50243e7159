"""Who may take a step: the action's permission, and separation of duties on the case's own record."""
from inklusi_platform.contracts.funding import Action
from inklusi_platform.errors import Forbidden

# action -> the earlier steps whose actor may not take it (issue 12: whoever submitted cannot verify,
# recommend or approve; whoever recommended cannot approve).
SEPARATED = {
    "verify": (("submitted_by", "mengajukan"),),
    "recommend": (("submitted_by", "mengajukan"),),
    "approve": (("submitted_by", "mengajukan"), ("recommended_by", "merekomendasikan")),
    "reject": (("submitted_by", "mengajukan"), ("recommended_by", "merekomendasikan")),
}


def check(case, action: Action, actor: dict) -> None:
    """Raise Forbidden when the actor lacks the permission or already acted on this case in a conflicting role."""
    held = set(actor.get("permissions") or ())
    if not held & set(action.permissions):
        raise Forbidden(f"Peran Anda tidak mengizinkan langkah '{action.name}' "
                        f"(perlu {' atau '.join(action.permissions)}).")
    for column, did in SEPARATED.get(action.name, ()):
        if getattr(case, column) == actor["user_id"]:
            raise Forbidden(f"Pemisahan tugas: Anda sudah {did} kasus ini, jadi tidak boleh melakukan "
                            f"langkah '{action.name}'.")


def check_any(actor: dict, permissions: tuple[str, ...], what: str) -> None:
    if not set(actor.get("permissions") or ()) & set(permissions):
        raise Forbidden(f"Peran Anda tidak mengizinkan {what}.")
