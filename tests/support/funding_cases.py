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


BANK = {"bank": "BRI", "account_number": "0012345678", "holder": "KUBE Sekar Lawang"}
VISIT = {"visit_date": "2026-11-20", "findings": "Usaha berjalan di rumah ketua",
         "checklist": {"business_exists": True, "members_met": True, "location_matches": True}}


def kube_members(count: int) -> list[dict]:
    roles = ["ketua", "sekretaris", "bendahara"] + ["anggota"] * max(count - 3, 0)
    return [{"person_id": f"p{i + 1}", "role": roles[i]} for i in range(count)]


def members_for(person_ids) -> list[dict]:
    """A KUBE member list for these ids: ketua, sekretaris, bendahara, then anggota."""
    return [dict(m, person_id=pid) for m, pid in zip(kube_members(len(person_ids)), person_ids, strict=True)]


class TrainingStandIn:
    """Stands in for the training service in integration tests: `training.completions_of(person_ids)`,
    answered from `completions` (items {person_id, training_id, programme_id, topic, completed_at})."""

    name = "training"
    completions: list[dict] = []

    @rpc
    def completions_of(self, person_ids: list) -> list:
        return [c for c in self.completions if c["person_id"] in person_ids]


# --- through the gateway (integration tests) ---

def kube_body(programme, member_ids, amount=6_000_000):
    return {"case_type": "KUBE", "programme_id": programme["id"], "group_name": "KUBE Sekar Lawang",
            "members": members_for(member_ids),
            "bank_account": BANK, "business_plan": plan(amount)}


def open_case(web, programme, member_ids, amount=6_000_000):
    made = web.post("/v1/funding-cases", json=kube_body(programme, member_ids, amount))
    assert made.status_code == 201, made.text
    return made.json()


def step(web, case_id, action, expect=200, **fields):
    etag = web.get(f"/v1/funding-cases/{case_id}").headers["ETag"]
    moved = web.post(f"/v1/funding-cases/{case_id}/transitions", json={"action": action, **fields},
                     headers={"If-Match": etag})
    assert moved.status_code == expect, (action, moved.text)
    return moved.json()


def rules_of(web, case_id) -> dict:
    response = web.get(f"/v1/funding-cases/{case_id}/eligibility")
    assert response.status_code == 200, response.text
    return {r["rule"]: r for r in response.json()["rules"]}
