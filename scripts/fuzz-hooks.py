"""Schemathesis hooks for scripts/fuzz-api: seeded handles in generated bodies.

Random handles stop almost every operation at "company not found", so the
fuzz run would never reach the operations' logic. scripts/fuzz-seed.mjs seeds
a company with folders, assets, metadata fields, projects and jobs and writes
their handles to the JSON file named by FUZZ_SEED_FILE; these hooks put them
into request bodies (valid and invalid ones alike), wherever a field of a
known name holds a string, with a probability per field, so both the real
logic and the not-found paths are reached. The seed has two pools: the
operations that purge, delete or re-handle things draw from the spare one, the
others from the kept one. A field that negative testing made
a non-string (a number, an object) is left as generated, and so is everything
else in the body.

Both phases that send bodies are covered:
- fuzzing: `flatmap_body` draws the choices from a Hypothesis-controlled
  Random, so a run is repeated exactly by its --seed and failing cases shrink;
- coverage: its cases are built without generation hooks, so `before_call`
  substitutes, with a Random seeded by the case itself (the same case always
  gets the same handles), and leaves alone the field the case is about (a
  too-long companyHandle stays too long).

At exit the hooks print how each operation answered (status classes) and
which operations never answered 2xx, with their most frequent refusals: those
the run did not get past validation or lookups.
"""

import atexit
import copy
import functools
import hashlib
import json
import os
import random
import re
import sys
import threading
from collections import Counter, defaultdict

import schemathesis
from hypothesis import strategies as st

with open(os.environ["FUZZ_SEED_FILE"], encoding="utf-8") as seed_file:
    SEED = json.load(seed_file)

# Operations that take seeded things away for good (purge, delete) or change their handles
# (folder renames and moves) get the spare pool; every other operation the kept one, so the kept
# assets, folders, fields, projects and jobs are there whatever order the run takes.
SPARE_OPERATIONS = {
    "deleteAsset",
    "deleteAssets",
    "restoreAssetsFromTrash",
    "emptyAssetsFromTrash",
    "deleteFolder",
    "renameFolder",
    "moveFolder",
    "deleteMetadataField",
    "deleteAssetMetadata",
    "deleteJob",
    "stopJob",
    "deleteProject",
    "removeProjectAssets",
}


def fields_of(pool):
    """Field name -> (seeded values, probability that a generated string is replaced)."""
    return {
        "companyHandle": ([SEED["companyHandle"]], 0.8),
        "assetHandle": (pool["assetHandles"], 0.6),
        "folderHandle": (pool["folderHandles"], 0.6),
        "destFolderHandle": (pool["folderHandles"], 0.6),
        "folderPath": (pool["folderPaths"], 0.6),
        "folder": (pool["folderPaths"], 0.6),
        "destFolder": (pool["folderPaths"], 0.6),
        "fieldHandle": (pool["fieldHandles"], 0.6),
        "projectHandle": (pool["projectHandles"], 0.6),
        "jobHandle": (pool["jobHandles"], 0.6),
        "userHandle": (SEED["userHandles"], 0.5),
    }


def arrays_of(pool):
    """HandleArray fields ({"items": [...]}): each string item is replaced with this probability."""
    return {
        "assetHandleArray": (pool["assetHandles"], 0.7),
        "projectHandleArray": (pool["projectHandles"], 0.7),
        "responseMetadataArray": (pool["fieldHandles"], 0.7),
    }


POOLS = {name: (fields_of(SEED[name]), arrays_of(SEED[name])) for name in ("kept", "spare")}


def pool_for(operation):
    return POOLS["spare" if operation.path.rsplit("/", 1)[-1] in SPARE_OPERATIONS else "kept"]


def substitute(value, pool, rnd, keep=None):
    """Seeded handles from `pool` into `value` (changed in place), except in fields named `keep`."""
    single, arrays = pool
    if isinstance(value, list):
        return [substitute(item, pool, rnd, keep) for item in value]
    if not isinstance(value, dict):
        return value
    for key, item in value.items():
        if key == keep:
            continue
        if key in single and isinstance(item, str):
            value[key] = pick(single[key], item, rnd)
        elif key in arrays and isinstance(item, dict) and isinstance(item.get("items"), list):
            item["items"] = [pick(arrays[key], handle, rnd) if isinstance(handle, str) else handle for handle in item["items"]]
        else:
            value[key] = substitute(item, pool, rnd, keep)
    return value


def pick(choice, generated, rnd):
    values, probability = choice
    if not values or rnd.random() >= probability:
        return generated
    return rnd.choice(values)


def substituted(body, pool, rnd):
    return substitute(copy.deepcopy(body), pool, rnd)


@schemathesis.hook
def flatmap_body(ctx, body):
    return st.randoms(use_true_random=False).map(functools.partial(substituted, body, pool_for(ctx.operation)))


_TARGET_IN_LOCATION = re.compile(r".*/properties/([^/]+)/")
_TARGET_IN_DESCRIPTION = re.compile(r"valid '([^']+)' value")


def coverage_target(data):
    """The body field a coverage case varies: `/properties/<field>/maxLength`, or "Object with valid '<field>' value: …"."""
    found = _TARGET_IN_LOCATION.match(f"{data.location or ''}/") or _TARGET_IN_DESCRIPTION.search(data.description or "")
    return found.group(1) if found else None


# Without userHandle these change the caller, the IpsAdmin the whole run signs in as: a new
# e-mail, password or isValid false would answer 401 to every later call of the run.
CALLER_OPERATIONS = {"setUserInfo", "setPassword"}


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if (
        case.operation.path.rsplit("/", 1)[-1] in CALLER_OPERATIONS
        and isinstance(case.body, dict)
        and not isinstance(case.body.get("userHandle"), str)
    ):
        case.body = {**case.body, "userHandle": SEED["userHandles"][0]}
    meta = case.meta
    if meta is None or meta.phase.name != "coverage" or not isinstance(case.body, (dict, list)):
        return
    rnd = random.Random(hashlib.sha256(f"{case.operation.label} {case.method} {case.body!r}".encode()).digest())
    case.body = substitute(copy.deepcopy(case.body), pool_for(case.operation), rnd, coverage_target(meta.phase.data))


STATUSES = defaultdict(Counter)
# The 4xx replies per operation, to tell why an operation never answered 2xx.
REFUSALS = defaultdict(Counter)
STATUSES_LOCK = threading.Lock()


@schemathesis.hook
def after_call(ctx, case, response):
    # Calls with another method than the operation's (schemathesis probes them) say nothing about its logic.
    if case.method.upper() != case.operation.method.upper():
        return
    with STATUSES_LOCK:
        STATUSES[case.operation.label][f"{response.status_code // 100}xx"] += 1
        if 400 <= response.status_code < 500:
            REFUSALS[case.operation.label][f"{response.status_code} {response.text[:200]}"] += 1


@atexit.register
def print_statuses():
    if not STATUSES:
        return
    reached = sorted(op for op, counts in STATUSES.items() if counts["2xx"])
    never = sorted(op for op in STATUSES if op not in reached)
    out = sys.stderr
    print("[fuzz-hooks] replies per operation (status class: count):", file=out)
    for op in sorted(STATUSES):
        print(f"  {op}: " + ", ".join(f"{k} {v}" for k, v in sorted(STATUSES[op].items())), file=out)
    print(f"[fuzz-hooks] {len(reached)}/{len(STATUSES)} operations answered 2xx at least once", file=out)
    if never:
        print("[fuzz-hooks] never 2xx (most frequent refusals):", file=out)
        for op in never:
            print(f"  {op}:", file=out)
            for refusal, count in REFUSALS[op].most_common(3):
                print(f"    {count}x {refusal}", file=out)
