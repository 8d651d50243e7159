"""Counts kept as persons change give the figures the full scan of persons gave, day after day."""
import json
import random
from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from registry import counts, history, merging, persons, stats
from registry.counts import band_of
from registry.models.counts import person_counts
from registry.models.persons import Person
from tests.unit.registry.test_persons import nik_for, registration

DESAS = ("35.07.25.1005", "35.07.25.2001", "35.07.25.2002", "35.73.04.1001", "35.73.04.1002", "35.79.01.1001",
         "35.07.01.2001")
CATEGORY_CHOICES = (["fisik"], ["sensorik"], ["mental"], ["intelektual"], ["fisik", "sensorik"],
                    ["mental", "intelektual", "fisik"])
AREAS = (None, [], ["35.07"], ["35.07.25"], ["35.73.04.1001"], ["35.07", "35.07.25", "35.73.04.1002"],
         ["35.73", "35.79.01", "35.79.01.1001"], ["35.99"])


class Clock:
    def __init__(self, today: date):
        self.today = today

    def __call__(self) -> date:
        return self.today


@pytest.fixture
def clock(monkeypatch):
    now = Clock(date(2026, 2, 27))
    monkeypatch.setattr(history, "today", now)
    return now


def years_before(day: date, years: int) -> date:
    """The scan's own, as it was: a 29 February becomes the 28th in a year without one."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def scanned(uow, areas) -> dict:
    """The figures as the registry computed them before counts were kept: a scan of persons on every call."""
    persons_: Counter = Counter()
    categories: Counter = Counter()
    if areas is not None and not areas:
        return {"persons": persons_, "categories": categories}
    today = history.today()
    whens = [(Person.birth_date > years_before(today, upper), label)
             for (label, _), (_, upper) in zip(counts.AGE_BANDS[:-1], counts.AGE_BANDS[1:], strict=True)]
    band = sa.case(*whens, else_=counts.AGE_BANDS[-1][0]).label("age_band")
    text = sa.cast(Person.categories, sa.Text).label("categories")
    query = sa.select(Person.kecamatan_code, Person.sex, band, text, sa.func.count()).where(Person.status == "active")
    if areas is not None:
        query = query.where(sa.or_(*[persons.area_condition(area) for area in areas]))
    query = query.group_by(Person.kecamatan_code, Person.sex, band, text)
    for kecamatan_code, sex, age_band, listed, n in uow.session.execute(query):
        persons_[(kecamatan_code, sex, age_band)] += n
        for category in json.loads(listed) if listed else []:
            categories[(kecamatan_code, category, sex, age_band)] += n
    return {"persons": persons_, "categories": categories}


def assert_same_as_scan(uow, monkeypatch):
    """Every area selection, with and without suppression: the counts' answer is the scan's."""
    asked = [(areas, None) for areas in AREAS] + [(None, 5), (["35.07"], 5), (["35.07.25", "35.73"], 3)]
    answers = [stats.registry_stats(uow, areas, min_cell) for areas, min_cell in asked]
    with monkeypatch.context() as patch:
        patch.setattr(stats, "_counted", scanned)
        expected = [stats.registry_stats(uow, areas, min_cell) for areas, min_cell in asked]
    for (areas, min_cell), answer, scan in zip(asked, answers, expected, strict=True):
        assert answer == scan, (areas, min_cell)
    return answers[0]


def adult(rng: random.Random, today: date) -> date:
    return today - timedelta(days=rng.randrange(18 * 366, 90 * 365))


def register(uow, actor, serial: int, born: date, sex: str, desa: str, categories) -> dict:
    data = registration(name=f"Orang {serial}", born=born, sex=sex, serial=serial, desa=desa,
                        disability={"categories": list(categories)})
    if born > years_before(history.today(), 18):
        data["guardian"] = {"name": "Sri Wahyuni", "relation": "ibu"}
        data["consent"] = {**data["consent"], "given_by": "guardian"}
    return persons.register_person(uow, data, actor)


# --- age bands -----------------------------------------------------------------------------------

def test_a_person_enters_the_next_band_on_their_birthday():
    assert band_of(date(2008, 3, 12), date(2026, 3, 11)) == "0-17"
    assert band_of(date(2008, 3, 12), date(2026, 3, 12)) == "18-29"
    assert band_of(date(1996, 3, 12), date(2026, 3, 12)) == "30-44"
    assert band_of(date(1981, 3, 13), date(2026, 3, 12)) == "30-44"
    assert band_of(date(1966, 3, 12), date(2026, 3, 12)) == "60+"
    assert band_of(date(2026, 3, 12), date(2026, 3, 12)) == "0-17"


def test_born_on_29_february_a_person_is_a_year_older_on_1_march_of_a_common_year():
    assert band_of(date(2008, 2, 29), date(2026, 2, 28)) == "0-17"
    assert band_of(date(2008, 2, 29), date(2026, 3, 1)) == "18-29"
    # In a leap year, on the day itself.
    assert band_of(date(1968, 2, 29), date(2028, 2, 28)) == "45-59"
    assert band_of(date(1968, 2, 29), date(2028, 2, 29)) == "60+"
    # Born on 28 February: 18 on 28 February, also when 29 February follows; born 1 March, not before it.
    assert band_of(date(2010, 2, 28), date(2028, 2, 28)) == "18-29"
    assert band_of(date(2010, 2, 28), date(2028, 2, 27)) == "0-17"
    assert band_of(date(2010, 3, 1), date(2028, 2, 29)) == "0-17"
    assert band_of(date(2010, 3, 1), date(2028, 3, 1)) == "18-29"


# --- the daily roll ------------------------------------------------------------------------------

def test_the_bands_roll_day_by_day_over_29_february_and_back(uow, actor, clock, monkeypatch):
    clock.today = date(2026, 2, 26)
    around = [date(2008, 2, 27), date(2008, 2, 28), date(2008, 2, 29), date(2008, 3, 1), date(2008, 3, 2),
              date(1996, 2, 28), date(1996, 2, 29), date(1996, 3, 1), date(1981, 2, 28), date(1981, 3, 1),
              date(1966, 2, 28), date(1966, 3, 1), date(1968, 2, 29), date(1968, 3, 1), date(1990, 6, 1),
              date(2010, 2, 28), date(2010, 3, 1), date(2010, 3, 2)]
    for serial, born in enumerate(around, start=1):
        register(uow, actor, serial, born, "LP"[serial % 2], DESAS[serial % 3], CATEGORY_CHOICES[serial % 6])
    assert_same_as_scan(uow, monkeypatch)

    moved = []
    for day in [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 5),
                date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1), date(2026, 3, 1), date(2026, 2, 28),
                date(2024, 1, 1), date(2041, 7, 1)]:
        before = sum(n for _, n in uow.session.execute(sa.select(person_counts.c.age_band, person_counts.c.n)))
        clock.today = day
        figures = assert_same_as_scan(uow, monkeypatch)
        moved.append([row["count"] for row in figures["kecamatan"]])
        after = sum(n for _, n in uow.session.execute(sa.select(person_counts.c.age_band, person_counts.c.n)))
        assert before == after  # a roll moves persons between bands; it never adds or loses one
    assert uow.session.scalar(sa.select(counts.person_counts_state.c.as_of)) == date(2041, 7, 1)


def test_the_roll_on_1_march_moves_those_born_on_29_february_and_on_1_march(uow, actor, clock):
    clock.today = date(2026, 2, 28)
    for serial, born in enumerate([date(2008, 2, 28), date(2008, 2, 29), date(2008, 3, 1), date(2008, 3, 2)], 1):
        register(uow, actor, serial, born, "P", DESAS[1], ["fisik"])

    def bands():
        return {row["age_band"]: row["count"] for row in stats.registry_stats(uow, ["35.07.25"])["totals"]}

    assert bands() == {"0-17": 3, "18-29": 1}
    clock.today = date(2026, 3, 1)
    assert bands() == {"0-17": 1, "18-29": 3}


# --- every kind of change, against the scan ------------------------------------------------------

def test_counts_answer_as_the_scan_through_registrations_updates_moves_deaths_and_merges(
        uow, actor, clock, monkeypatch):
    rng = random.Random(5)
    today = clock.today
    people = []
    for serial in range(1, 121):
        born = adult(rng, today) if serial % 7 else today - timedelta(days=rng.randrange(300, 17 * 365))
        sex = rng.choice("LP")
        people.append((serial, born, sex,
                       register(uow, actor, serial, born, sex, rng.choice(DESAS), rng.choice(CATEGORY_CHOICES))))
    assert_same_as_scan(uow, monkeypatch)

    for serial, born, sex, person in people[:60]:
        kind = serial % 5
        if kind == 0:  # sex and birth date (and the NIK that encodes them)
            born, sex = adult(rng, today), "L" if sex == "P" else "P"
            changes = {"nik": nik_for(born, sex, serial + 5000), "birth_date": born.isoformat(), "sex": sex}
        elif kind == 1:
            changes = {"disability": {"categories": rng.choice(CATEGORY_CHOICES)}}
        elif kind == 2:
            changes = {"desa_code": rng.choice(DESAS)}
        elif kind == 3:
            changes = {"status": rng.choice(("deceased", "moved_away"))}
        else:
            changes = {"name": f"Nama Baru {serial}"}  # moves nobody
        if born > years_before(today, 18) and "nik" not in changes:
            continue  # a child's record needs its guardian: not what this test is about
        persons.update_person(uow, person["id"], changes, None, actor)
    assert_same_as_scan(uow, monkeypatch)

    back = [person for serial, _, _, person in people[:60] if serial % 5 == 3][:3]
    for person in back:  # back from moved away (or a death recorded in error)
        persons.update_person(uow, person["id"], {"status": "active"}, None, actor)
    for (_, _, _, keep), (_, _, _, merged) in zip(people[60:70], people[70:80], strict=True):
        merging.merge_persons(uow, keep["id"], merged["id"], actor)
    assert_same_as_scan(uow, monkeypatch)

    clock.today = today + timedelta(days=400)  # a year on: many birthdays, some across a band boundary
    assert_same_as_scan(uow, monkeypatch)
    uow.commit()


def test_a_batch_of_persons_added_at_once_is_counted_like_registrations(uow, clock, monkeypatch):
    rng = random.Random(9)
    rows = []
    for serial in range(200):
        desa = rng.choice(DESAS)
        categories = rng.choice(CATEGORY_CHOICES)
        rows.append(Person(id=f"p-{serial}", nik=nik_for(adult(rng, clock.today), "L", serial + 1), name=f"O {serial}",
                           birth_date=adult(rng, clock.today), sex=rng.choice("LP"), desa_code=desa,
                           kecamatan_code=desa[:8], nik_region_code="35.07.25",
                           categories=[*categories, *(["ganda"] if len(categories) > 1 else [])],
                           status=rng.choice(("active", "active", "active", "deceased")),
                           created_at=history.now(), updated_at=history.now(), created_by="import"))
    uow.session.add_all(rows)
    uow.session.flush()
    facts = [counts.facts(person) for person in rows]
    counts.persons_added(uow.session, facts[:120])  # as the import calls it: noted, written at commit
    # On a bare connection, written at once; dates as an import may carry them, in ISO text.
    counts.persons_added(uow.session.connection(),
                         [{**person, "birth_date": person["birth_date"].isoformat()} for person in facts[120:]])
    figures = assert_same_as_scan(uow, monkeypatch)
    assert figures["total_persons"]["count"] == sum(1 for person in rows if person.status == "active")


# --- commit, rollback, rebuild -------------------------------------------------------------------

def test_counts_are_written_with_the_unit_of_work_and_forgotten_with_its_rollback(
        uow, fresh_uow, actor, clock):
    register(uow, actor, 1, date(1990, 1, 1), "L", DESAS[0], ["fisik"])
    assert uow.session.scalar(sa.select(sa.func.count()).select_from(person_counts)) == 0  # noted, not yet written
    uow.rollback()
    register(uow, actor, 2, date(1990, 1, 2), "L", DESAS[0], ["fisik"])
    uow.commit()

    figures = stats.registry_stats(fresh_uow(), None)
    assert figures["total_persons"]["count"] == 1
    assert [row["category"] for row in figures["persons"]] == ["fisik"]


def test_rebuild_counts_persons_afresh(uow, actor, clock, monkeypatch):
    for serial in range(1, 30):
        register(uow, actor, serial, date(1950 + serial, 1 + serial % 12, 1 + serial % 28), "LP"[serial % 2],
                 DESAS[serial % len(DESAS)], CATEGORY_CHOICES[serial % 6])
    uow.session.flush()
    counts.write_pending(uow.session)
    uow.session.execute(person_counts.update().values(n=person_counts.c.n + 3))  # counts gone wrong
    assert counts.rebuild(uow.session, clock.today) == 29
    assert_same_as_scan(uow, monkeypatch)
