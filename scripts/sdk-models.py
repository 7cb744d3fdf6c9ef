#!/usr/bin/env python3
"""The response models of the operations `dialsim serve` answers, read from the official SDK
(pip: alibabacloud-dyvmsapi20170525): for each operation, the body's fields as the SDK's
from_map reads them, nested, with their Python types. The contract for the server's answers:

    python scripts/sdk-models.py > tests/fixtures/sdk-response-models.json
"""
import inspect
import json
import re

from alibabacloud_dyvmsapi20170525 import models

OPERATIONS = [
    "CloudCreateTask", "CloudStartTask", "CloudPauseTask", "CloudUpdateTask",
    "CloudImportTaskTel", "CloudDeleteTaskTel", "CloudDeleteTask", "CloudGetTask",
    "CloudQueryTask", "CloudMonitorTask", "CloudQueryPredictiveCallCdr",
    "CloudAgentLogin", "CloudAgentLogout", "CloudListOnlineAgent", "CloudListFreeAgent",
]


def schema(cls):
    src = inspect.getsource(cls.from_map)
    hints = {n: str(p.annotation) for n, p in inspect.signature(cls.__init__).parameters.items()}
    fields = {}
    for block in src.split("if m.get('")[1:]:
        key = block.split("'", 1)[0]
        attr = re.search(r"self\.(\w+)", block)
        nested = re.search(r"main_models\.(\w+)\(\)", block)
        if nested:
            inner = schema(getattr(models, nested.group(1)))
            fields[key] = [inner] if "for k" in block else inner
        else:
            hint = hints.get(attr.group(1), "") if attr else ""
            fields[key] = re.sub(r"<class '(\w+)'>", r"\1", hint).replace("typing.", "")
    return fields


out = {}
for op in OPERATIONS:
    out[op] = {
        "request": schema(getattr(models, op + "Request")),
        "response_body": schema(getattr(models, op + "ResponseBody")),
    }
print(json.dumps(out, ensure_ascii=False, indent=1))
