"""GET /v1/areas: the reference regions (kabupaten/kota, kecamatan, desa), for any logged-in user."""
from gateway.bodies import json_response, read_query
from gateway.problems import HttpProblem
from gateway.routes import route
from gateway.schemas import shared
from gateway.schemas.areas import AreaOut, AreaQuery
from inklusi_platform.regions import MALANG_RAYA, regions


class AreaRoutes:
    @route("GET", "/v1/areas", summary="Regions under a parent; without one, the kabupaten/kota of Malang Raya",
           tag="areas", query=AreaQuery, response=AreaOut, paged=True, errors=(404,))
    def list_areas(self, request):
        self.guard.caller(request)
        query = read_query(request, shared(AreaQuery))
        parent = query.get("parent")
        if parent is None:
            found = [regions().get(code) for code in MALANG_RAYA]
        else:
            if regions().get(parent) is None:
                raise HttpProblem(404, f"Wilayah {parent} tidak dikenal.")
            found = regions().children(parent)
        items = [{"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_code} for r in found]
        return json_response({"items": items, "next_cursor": None})
