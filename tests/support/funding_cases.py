"""Funding test data shared by unit and integration tests: actors, registry facts, plans, members."""
from nameko.rpc import rpc

LAWANG = "35.07.25"
SUKUN = "35.73.04"
ALL_FUNDING = ["funding:approve", "funding:disburse", "funding:override", "funding:programmes", "funding:propose",
               "funding:read", "funding:recommend", "funding:verify"]


def actor(user: str, *permissions: str) -> dict:
    return {"user_id": f"user:{user}", "org_id": "org", "name": user, "permissions": list(permissions)}


STAFF = actor("staf", "funding:read", "funding:propose")
PPD = actor("ppd", "funding:read", "funding:verify")
DINSOS = actor("dinsos", "funding:read", "funding:recommend", "funding:override")
APPROVER = actor("approver", "funding:read", "funding:approve", "funding:disburse", "funding:override")


def person(person_id: str, kecamatan=LAWANG, status="active", age=35, consent=("pendataan",)) -> dict:
    return {"person_id": person_id, "age": age, "kecamatan_code": kecamatan, "desa_code": kecamatan + ".2001",
            "status": status, "consent_active": list(consent), "categories": ["fisik"]}


def plan(amount=6_000_000) -> dict:
    return {"sector": "kuliner", "description": "Warung makan bersama", "requested_amount": amount,
            "budget_lines": [{"item": "Peralatan", "amount": amount // 2},
                             {"item": "Bahan", "amount": amount - amount // 2}]}


def kube_members(count: int) -> list[dict]:
    roles = ["ketua", "sekretaris", "bendahara"] + ["anggota"] * max(count - 3, 0)
    return [{"person_id": f"p{i + 1}", "role": roles[i]} for i in range(count)]


class TrainingStandIn:
    """Stands in for the training service in integration tests: `training.completions_of(person_ids)`,
    answered from `completions` (items {person_id, training_id, programme_id, topic, completed_at})."""

    name = "training"
    completions: list[dict] = []

    @rpc
    def completions_of(self, person_ids: list) -> list:
        return [c for c in self.completions if c["person_id"] in person_ids]
