"""The benchmark's generated persons pass the registry's own checks, and its report judges targets right."""
import json
import math
import os

import pytest

from bench.suite import cpu, events, load, people, report
from inklusi_platform.regions import regions
from registry.nik import check_nik
from registry.phones import normalise_phone


def test_generated_persons_have_valid_unique_niks_phones_and_malang_raya_homes():
    generator = people.Generator(3, people.LOADED_SERIALS)
    persons = list(generator.persons(2000))
    assert len({p.nik for p in persons}) == len(persons)
    malang_raya = {k.code for k in regions().malang_raya_kecamatan()}
    for person in persons:
        assert check_nik(person.nik, person.born, person.sex) == [], person
        assert person.kecamatan_code in malang_raya and person.desa_code.startswith(person.kecamatan_code + ".")
        assert person.phone[:4] in people.MOBILE_PREFIXES
        assert normalise_phone(person.phone).startswith("+628")
    assert len({p.kecamatan_code for p in persons}) > 30  # spread over Malang Raya, not one corner of it


def test_the_serial_ranges_never_give_the_same_nik():
    def niks(serials):
        return {p.nik for p in people.Generator(5, serials).persons(3000)}

    loaded, written, evented = niks(people.LOADED_SERIALS), niks(people.WRITE_SERIALS), niks(people.EVENT_SERIALS)
    assert not loaded & written and not loaded & evented and not written & evented


def test_import_files_split_under_the_upload_limit_with_every_row(tmp_path):
    files = people.write_import_files(tmp_path, 250, rows_per_file=100)
    assert [rows for _, rows in files] == [100, 100, 50]
    for path, rows in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].split(",")[:2] == ["NIK", "Nama"] and len(lines) == rows + 1


def test_registration_bodies_are_adults_with_consent(tmp_path):
    path = people.write_registration_bodies(tmp_path / "bodies.jsonl", 50, people.WRITE_SERIALS)
    bodies = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(bodies) == 50
    for body in bodies:
        assert check_nik(body["nik"]) == []
        assert int(body["nik"][-4:]) in people.WRITE_SERIALS
        assert body["consent"]["given_by"] == "self" and "guardian" not in body


def test_the_lua_script_carries_paths_headers_and_bodies(tmp_path):
    bodies = tmp_path / "b.jsonl"
    target = load.Target("POST /v1/persons", "POST", ["/v1/persons"], 16, {"Authorization": "Bearer t"}, bodies)
    script = load.lua_script(target, threads=2)
    assert 'wrk.method = "POST"' in script and 'wrk.headers["Authorization"] = "Bearer t"' in script
    assert json.dumps(str(bodies)) in script and "local threads = 2" in script and load.MARK in script


def test_percentile_of_nothing_is_not_a_number():
    assert math.isnan(load.percentile([], 0.99))
    assert load.percentile([float(i) for i in range(1, 101)], 0.99) == 100.0


def _results(read_rate=2000.0, read_p99=20.0, idle=100):
    path = {"rate": 1000.0, "p50_ms": 5.0, "p99_ms": 10.0, "failed": 0, "connections": 32, "requests": 1}
    paths = {name: dict(path) for name in report.PATHS}
    paths["GET /v1/persons/{id}"].update(rate=read_rate, p99_ms=read_p99)
    return {
        "settings": {"persons": 300, "duration": 1, "repeats": 1, "event_seconds": 1, "tool": "wrk"},
        "baseline": {**path, "rate": 4000.0},
        "paths": paths,
        "import": {"rows": 300, "seconds": 0.01, "rate": 30000.0, "peak_rss": 100 * report.MIB},
        "events": {"relay": {"events": 300, "seconds": 0.1, "rate": 3000.0},
                   "consumer": {"events": 300, "seconds": 0.1, "rate": 3000.0},
                   "e2e": {"offered_rate": 200.0, "sent": 200, "accepted": 200, "write_rate": 200.0,
                           "received": 200, "p50_ms": 10.0, "p99_ms": 50.0}},
        "memory": {"idle_start": {"gateway": idle * report.MIB}, "idle_end": {"gateway": idle * report.MIB}},
    }


def test_every_target_is_met_by_figures_that_meet_it():
    assert [name for name, _, met, _ in report.targets(_results()) if not met] == []


def test_a_missed_target_names_its_figure_and_the_change_that_would_meet_it():
    missed = {name: (figure, remedy) for name, figure, met, remedy in
              report.targets(_results(read_rate=1000.0, read_p99=80.0, idle=130)) if not met}
    assert set(missed) == {"Read by id ≥ 0.35× bare baseline", "Read by id p99 ≤ 50 ms",
                           "Idle memory ≤ 120 MB per process"}
    assert missed["Read by id ≥ 0.35× bare baseline"][0].startswith("0.250×")
    assert all(remedy for _, remedy in missed.values())


def test_the_cpu_meter_counts_the_work_of_the_processes_it_watches():
    meter = cpu.Meter(lambda: {"me": [os.getpid()], "gone": [2 ** 22 + 1]})
    meter.start()
    sum(i * i for i in range(3_000_000))
    used = meter.stop()
    assert used["me"] > 0.01 and used["gone"] == 0


def test_the_cpu_table_shows_each_path_per_process():
    results = _results()
    results["baseline"]["cpu_ms"] = {"baseline": 0.3, "rabbitmq": 0.0, "postgresql": 0.0}
    for name in report.PATHS:
        results["paths"][name]["cpu_ms"] = {"gateway": 3.1, "registry": 2.3, "rabbitmq": 1.3, "postgresql": 1.0}
    lines = report.cpu_section(results)
    read = next(line for line in lines if line.startswith("| GET /v1/persons/{id} |"))
    assert read.split(" | ")[1:3] == ["3.10", "2.30"] and read.endswith("| 7.70 |")
    assert next(line for line in lines if line.startswith(f"| {report.BASELINE} |")).endswith("| 0.30 |")


def test_a_drain_is_timed_from_its_first_change_to_its_end():
    values = iter([100, 100, 100, 80, 40, 0])  # two polls of start-up, then the backlog goes
    seen = []
    drain = events.watch_drain(lambda: next(values), lambda value: value == 0, timeout=10, interval=0.01,
                               progress=seen.append, every=0)
    assert drain.events == 100 and 0.02 <= drain.seconds < 1
    assert seen == [100, 100, 80, 40, 0]


def test_a_drain_that_never_ends_is_an_error():
    with pytest.raises(RuntimeError, match="not worked off"):
        events.watch_drain(lambda: 5, lambda value: value == 0, timeout=0.05, interval=0.01)
