#!/usr/bin/env python3
"""Drive a `dialsim serve` with the official SDK, exactly as a back office drives the platform.

Every answer is also checked to parse into the SDK's response model with no field lost: each
field of the raw JSON, read by the model's `from_map` and written back by `to_map`, comes back
with its value and type.

    dialsim serve --clock manual &            # prints: listening on http://127.0.0.1:8090
    python examples/sdk_quickstart.py http://127.0.0.1:8090

Creates a predictive task for the quickstart world's 20 agents, imports 2 000 numbers,
starts it, moves simulated time on by an hour (dialsim's control endpoint; a real platform's
clock just runs), reads the live figures (CloudMonitorTask) and pulls the call records
(CloudQueryPredictiveCallCdr), asserting on every answer. Exit 0 when all hold.

Needs: pip install alibabacloud-dyvmsapi20170525 (the SDK; .ci/run installs it in a venv).
"""

import base64
import json
import os
import sys
import urllib.request

from alibabacloud_dyvmsapi20170525 import models
from alibabacloud_dyvmsapi20170525.client import Client
from alibabacloud_tea_openapi.models import Config

ROUND_TRIPS = []


def lost(raw, again, path=""):
    """The first field of the raw answer the model's round trip lost or changed (None: none).
    Fields the model adds on its own (an empty RecordFile list) are not losses."""
    if isinstance(raw, dict):
        if not isinstance(again, dict):
            return f"{path}: {raw!r} became {again!r}"
        for k, v in raw.items():
            found = lost(v, again.get(k), f"{path}.{k}")
            if found:
                return found
        return None
    if isinstance(raw, list):
        if not isinstance(again, list) or len(again) != len(raw):
            return f"{path}: {raw!r} became {again!r}"
        for i, (x, y) in enumerate(zip(raw, again)):
            found = lost(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if raw == again and type(raw) is type(again) else f"{path}: {raw!r} became {again!r}"


def checked(client):
    """Wrap the client's call_api: each raw answer must survive the SDK model's round trip."""
    call_api = client.call_api

    def wrapped(params, request, runtime):
        result = call_api(params, request, runtime)
        raw = result["body"]
        model = getattr(models, params.action + "ResponseBody")()
        again = model.from_map(raw).to_map()
        found = lost(raw, again)
        assert found is None, f"{params.action}: the SDK's model lost {found}"
        ROUND_TRIPS.append(params.action)
        return result

    client.call_api = wrapped
    return client


KEY_ID = os.environ.get("DIALSIM_KEY_ID", "dialsim-dev")
KEY_SECRET = os.environ.get("DIALSIM_KEY_SECRET", "dialsim-dev-secret")
ENTERPRISE = 36
AGENTS = ",".join(str(1000 + i) for i in range(20))


def control(base, method, path):
    """dialsim's own control endpoints (HTTP Basic with the same key pair)."""
    req = urllib.request.Request(base + path, method=method)
    token = base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
    req.add_header("Authorization", "Basic " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8090"
    host = base.split("://", 1)[1]
    client = checked(Client(
        Config(
            endpoint=host,
            protocol="http",
            access_key_id=KEY_ID,
            access_key_secret=KEY_SECRET,
            region_id="cn-hangzhou",
        )
    ))

    created = client.cloud_create_task(
        models.CloudCreateTaskRequest(
            enterprise_id=ENTERPRISE,
            name="sdk-quickstart",
            type=1,
            call_group_type=1,
            cnos=AGENTS,
            quotiety=2.5,
            wrapup=30,
            max_wait_time=40,
            answer_rate=35,
        )
    ).body
    assert created.code == "OK", created.message
    task_id = int(created.data.id)
    assert created.data.status == "0", "a new task waits in status 0"
    print(f"CloudCreateTask: task {task_id} ({created.data.name})")

    # The SDK puts the whole list in the query string, which the server (like any gateway)
    # caps: import in batches of 500.
    total = 0
    numbers = [f"138{i:08d}" for i in range(2000)]
    for k in range(0, len(numbers), 500):
        tels = [
            models.CloudImportTaskTelRequestTaskTelList(tel=t) for t in numbers[k : k + 500]
        ]
        imported = client.cloud_import_task_tel(
            models.CloudImportTaskTelRequest(
                enterprise_id=ENTERPRISE, task_id=task_id, task_tel_list=tels
            )
        ).body
        assert imported.code == "OK", imported.message
        assert imported.data.success_total == "500", imported.data.success_total
        total += int(imported.data.success_total)
    print(f"CloudImportTaskTel: {total} numbers in 4 batches")

    started = client.cloud_start_task(
        models.CloudStartTaskRequest(enterprise_id=ENTERPRISE, task_id=task_id)
    ).body
    assert started.code == "OK", started.message
    clock = control(base, "POST", "/dialsim/advance?by=3600")
    print(f"advanced to {clock['now_s']:.0f} s of simulated time")

    # The quickstart world's agents log in over its first 10 minutes: the task waits for
    # MinAvailableAgentCount of them, then runs.
    got = client.cloud_get_task(
        models.CloudGetTaskRequest(enterprise_id=ENTERPRISE, task_id=task_id)
    ).body
    assert got.data.task_property.status == "1", got.to_map()

    monitor = client.cloud_monitor_task(
        models.CloudMonitorTaskRequest(enterprise_id=ENTERPRISE, task_id=task_id)
    ).body
    assert monitor.code == "OK", monitor.message
    stat = monitor.data.statistic
    assert stat.called_count > 500, stat.called_count
    assert 0 < stat.answer_count < stat.called_count
    assert monitor.data.agent_info.total_count == 20
    assert len(monitor.data.agent_statistic_list) == 20
    print(
        f"CloudMonitorTask: {stat.called_count} calls, {stat.answer_count} answered, "
        f"{stat.call_agent_count} bridged, {stat.uncalled_count} numbers left"
    )

    records, start = [], 0
    while True:
        page = client.cloud_query_predictive_call_cdr(
            models.CloudQueryPredictiveCallCdrRequest(
                enterprise_id=ENTERPRISE, task_id=task_id, start=start, limit=500
            )
        ).body
        assert page.code == "OK", page.message
        records += page.data.list
        if len(page.data.list) < 500:
            break
        start += 500
    assert len(records) > 500, len(records)
    bridged = [r for r in records if r.status_code == "43"]
    assert bridged and all(r.cno for r in bridged)
    assert all(r.customer_number.startswith("138") for r in records)
    assert all(int(r.end_time) >= int(r.start_time) for r in records)
    in_2s = sum(1 for r in bridged if r.wait_duration in ("0", "1", "2"))
    print(
        f"CloudQueryPredictiveCallCdr: {len(records)} records, {len(bridged)} bridged, "
        f"{in_2s} of them within 2 s"
    )

    # The other operations, each answered in its model.
    e, t = ENTERPRISE, task_id
    assert client.cloud_query_task(models.CloudQueryTaskRequest(enterprise_id=e, name="sdk")).body.data.task_properties[0].id == t
    online = client.cloud_list_online_agent(models.CloudListOnlineAgentRequest(enterprise_id=e)).body
    assert len(online.data.agent_statuses) == 20
    client.cloud_list_free_agent(models.CloudListFreeAgentRequest(enterprise_id=e))
    assert client.cloud_agent_logout(models.CloudAgentLogoutRequest(enterprise_id=e, cno="1019")).body.code == "OK"
    online = client.cloud_list_online_agent(models.CloudListOnlineAgentRequest(enterprise_id=e)).body
    assert [a.cno for a in online.data.agent_statuses if a.cno == "1019"] == []
    assert client.cloud_agent_login(models.CloudAgentLoginRequest(enterprise_id=e, cno="1019")).body.code == "OK"
    updated = client.cloud_update_task(models.CloudUpdateTaskRequest(enterprise_id=e, task_id=t, quotiety=2)).body
    assert updated.data.quotiety == "2", updated.data.quotiety
    assert client.cloud_pause_task(models.CloudPauseTaskRequest(enterprise_id=e, task_id=t)).body.code == "OK"
    gone = client.cloud_delete_task_tel(models.CloudDeleteTaskTelRequest(enterprise_id=e, task_id=t, tels="13800001999")).body
    assert gone.code == "OK"
    other = client.cloud_create_task(models.CloudCreateTaskRequest(
        enterprise_id=e, name="to-delete", type=1, call_group_type=1, cnos="1000")).body
    assert client.cloud_delete_task(models.CloudDeleteTaskRequest(enterprise_id=e, task_id=int(other.data.id))).body.code == "OK"
    assert len(set(ROUND_TRIPS)) == 15, sorted(set(ROUND_TRIPS))
    print(f"all 15 operations answered; {len(ROUND_TRIPS)} answers survived the SDK models' round trip")

    report = control(base, "GET", "/dialsim/report")
    abandon = report["overall"]["abandon_rate"]
    print(f"report: abandon rate {abandon:.2%} (2-second rule), "
          f"utilisation {report['overall']['utilisation']:.1%}")
    assert 0.0 <= abandon <= 1.0
    print("ok")


if __name__ == "__main__":
    main()
