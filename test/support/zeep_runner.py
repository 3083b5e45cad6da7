"""Drives the SOAP endpoint with zeep, a strict third-party SOAP client, for the tests.

Run with the project venv: `.venv/bin/python test/support/zeep_runner.py < request.json`
(test/support/zeep.ts does this). One JSON request on stdin, one JSON response on stdout.

Request:
  {
    "wsdl": "http://127.0.0.1:PORT/scene7/webservice/IpsApi.wsdl",  # URL or file path
    "user": "...", "password": "...",
    "appName": "ips-tests", "appVersion": "1.0",  # defaults; required by 2014-04-03's authHeader
    "headerFields": {"locale": "de_DE", ...},     # optional: more authHeader children
    "authHeaderNamespace": "...",                 # optional: the authHeader element's namespace
    "auth": "header",                             # header (default) | basic (HTTP Basic only) | both | none
    "strict": true,                               # zeep.Settings(strict=...), default true
    "address": "http://...",                      # optional: post here instead of the port's address
    "service": "IpsApiService", "port": "...",    # optional: the port to call (else zeep's first)
    "timeout": 60,                                # optional: seconds per HTTP request
    "calls": [{"op": "getCompanyInfo", "args": {"companyName": "x"}}, ...]
  }
  A call may also ask for
    "types": true          the Python type zeep parsed each value into (see "types" below);
    "xpath": [{"expr": "//*[local-name()='assetName']", "stripNamespaces": false}, ...]
                           XPath 1.0 expressions evaluated with lxml on the reply envelope,
                           as received or (stripNamespaces) with every element's namespace
                           removed first, so a client's namespace-less XPath such as
                           //assetName[starts-with(text(),'http')] can be evaluated as written.
  An argument value {"$result": [i, "key", 0, ...]} is replaced by that path into
  call i's value (calls run in order), to chain a handle from one call into the next.
  The authHeader element is looked up as {<wsdl targetNamespace>}authHeader, then in
  each versioned IpsApi namespace of the WSDL's schemas (latest first), then as
  {http://www.scene7.com/IpsApi/xsd}authHeader.

Response:
  {"results": [<one per call, in order>]}, each with
    "op", "ok", "httpStatus" (null when no HTTP reply),
    "request": the envelope sent, "reply": the envelope received (re-serialised by
    lxml, namespace declarations kept; null when none was parsed), and
    "value": the result (zeep.helpers.serialize_object; dateTime/Decimal as strings,
             bytes as base64)                                   when ok,
    "fault": {"message", "code", "actor", "detail": <detail XML or null>}  for a SOAP Fault,
    "error": {"type", "message"}                                 for anything else
             (zeep's strict parsing errors, transport errors).
    "types": (when asked) the value's shape with each leaf replaced by the name of its Python
             type as zeep parsed it: "datetime", "float", "int", "bool", "str", "Decimal", "NoneType"...
    "xpath": (when asked, and a reply was received) one list per expression: the text content of
             each element node found, or the string value of any other result.
  A call that fails does not stop the next ones. A request that cannot run at all
  (bad JSON, WSDL not loadable) prints {"error": {"type", "message"}} and exits 2.
"""

import base64
import datetime
import decimal
import json
import re
import sys

import requests
import zeep
from lxml import etree
from zeep.exceptions import Fault, LookupError as ZeepLookupError, NamespaceError
from zeep.helpers import serialize_object
from zeep.transports import Transport

UNVERSIONED = "http://www.scene7.com/IpsApi/xsd"
VERSIONED = re.compile(r"^http://www\.scene7\.com/IpsApi/xsd/[^/]+$")


class Recorder(zeep.Plugin):
    """Keeps the last envelopes sent and received, for the tests' XSD validation."""

    def __init__(self):
        self.sent = None
        self.received = None

    def egress(self, envelope, http_headers, operation, binding_options):
        self.sent = etree.tostring(envelope, encoding="unicode")
        return envelope, http_headers

    def ingress(self, envelope, http_headers, operation):
        self.received = etree.tostring(envelope, encoding="unicode")
        return envelope, http_headers


class StatusTransport(Transport):
    """A transport that remembers the HTTP status of the last reply (fault replies may set it)."""

    status = None

    def post(self, address, message, headers):
        response = super().post(address, message, headers)
        self.status = response.status_code
        return response


def to_json(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, etree._Element):
        return etree.tostring(value, encoding="unicode")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def type_tree(value):
    """The value's shape with the Python type name of every leaf (the types JSON would hide)."""
    if isinstance(value, dict):
        return {k: type_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [type_tree(v) for v in value]
    return type(value).__name__


def without_namespaces(root):
    """A copy of the tree whose elements have their local names only."""
    copy = etree.fromstring(etree.tostring(root))
    for element in copy.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    etree.cleanup_namespaces(copy)
    return copy


def xpath_results(reply_xml, queries):
    root = etree.fromstring(reply_xml.encode("utf-8"))
    stripped = None
    results = []
    for query in queries:
        tree = root
        if query.get("stripNamespaces"):
            stripped = stripped if stripped is not None else without_namespaces(root)
            tree = stripped
        found = tree.xpath(query["expr"])
        items = found if isinstance(found, list) else [found]
        results.append(["".join(item.itertext()) if isinstance(item, etree._Element) else str(item) for item in items])
    return results


def find_auth_header(client, forced_namespace):
    if forced_namespace:
        candidates = [forced_namespace]
    else:
        # The root wsdl:definitions is the first one zeep registers.
        wsdl_target = next(iter(client.wsdl._definitions.values())).target_namespace
        versioned = sorted((ns for ns in client.wsdl.types.namespaces if VERSIONED.match(ns)), reverse=True)
        candidates = [wsdl_target, *versioned, UNVERSIONED]
    for namespace in candidates:
        try:
            return client.get_element(f"{{{namespace}}}authHeader")
        except (ZeepLookupError, NamespaceError):
            continue
    raise LookupError(f"no authHeader element in {candidates}")


def resolve_args(value, results):
    if isinstance(value, dict):
        if set(value) == {"$result"}:
            index, *path = value["$result"]
            found = results[index]["value"]
            for key in path:
                found = found[key]
            return found
        return {k: resolve_args(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_args(v, results) for v in value]
    return value


def build_client(request, recorder, transport):
    settings = zeep.Settings(strict=request.get("strict", True), xml_huge_tree=False)
    client = zeep.Client(request["wsdl"], settings=settings, transport=transport, plugins=[recorder])
    auth = request.get("auth", "header")
    if auth in ("basic", "both"):
        transport.session.auth = (request.get("user"), request.get("password"))
    if auth in ("header", "both"):
        header = find_auth_header(client, request.get("authHeaderNamespace"))
        fields = {
            "user": request.get("user"),
            "password": request.get("password"),
            "appName": request.get("appName", "ips-tests"),
            "appVersion": request.get("appVersion", "1.0"),
            **request.get("headerFields", {}),
        }
        client.set_default_soapheaders([header(**fields)])
    if request.get("service") or request.get("port"):
        service = client.bind(request.get("service"), request.get("port"))
    else:
        service = client.service
    if request.get("address"):
        service = client.create_service(service._binding.name.text, request["address"])
    return service


def run_call(service, call, results, recorder, transport):
    recorder.sent = recorder.received = None
    transport.status = None
    outcome = {"op": call["op"]}
    try:
        value = service[call["op"]](**resolve_args(call.get("args", {}), results))
        serialized = serialize_object(value, dict)
        outcome.update(ok=True, value=serialized)
        if call.get("types"):
            outcome["types"] = type_tree(serialized)
    except Fault as fault:
        detail = fault.detail
        if isinstance(detail, etree._Element):
            detail = etree.tostring(detail, encoding="unicode")
        outcome.update(ok=False, fault={"message": fault.message, "code": fault.code, "actor": fault.actor, "detail": detail})
    except Exception as err:  # every other failure is the call's result, reported to the test
        outcome.update(ok=False, error={"type": type(err).__name__, "message": str(err)})
    outcome.update(httpStatus=transport.status, request=recorder.sent, reply=recorder.received)
    if call.get("xpath") and recorder.received is not None:
        outcome["xpath"] = xpath_results(recorder.received, call["xpath"])
    return outcome


def main():
    try:
        request = json.load(sys.stdin)
        recorder = Recorder()
        transport = StatusTransport(timeout=request.get("timeout", 60), operation_timeout=request.get("timeout", 60), session=requests.Session())
        service = build_client(request, recorder, transport)
    except Exception as err:
        json.dump({"error": {"type": type(err).__name__, "message": str(err)}}, sys.stdout)
        return 2
    results = []
    for call in request.get("calls", []):
        results.append(run_call(service, call, results, recorder, transport))
    json.dump({"results": results}, sys.stdout, default=to_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
