"""Validates backtriage's FHIR output as FHIR R4 (4.0.1).

    python .ci/fhir_check.py QUESTIONNAIRE.json BUNDLE.json...

Each file is parsed by the fhir.resources R4 models (types, cardinality, no
unknown elements, nested resources too). The bundles are then checked against
the questionnaire: each response item exists there under the same parent and
in the same order, each answer fits its question (a yes/no code of the value
set, a number within range, or a number absent as asked-but-unknown), and the
references resolve. It first shows that broken resources are refused, so the
check can fail. Ends with "fhir: N passed, N failed"; exit status 1 on any
failure.
"""

import copy
import json
import sys

import fhir.resources.questionnaire as questionnaire_module
from fhir.resources.bundle import Bundle
from fhir.resources.questionnaire import Questionnaire

R4 = "Version: 4.0.1"
if R4 not in (questionnaire_module.__doc__ or ""):
    sys.exit("fhir_check: the installed fhir.resources is not FHIR R4 (4.0.1)")

MODELS = {"Questionnaire": Questionnaire, "Bundle": Bundle}
ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"


class Invalid(Exception):
    pass


def parse(data):
    model = MODELS.get(data.get("resourceType"))
    if model is None:
        raise Invalid(f"unexpected resourceType {data.get('resourceType')!r}")
    try:
        return model.parse_obj(data)
    except Exception as e:  # pydantic's ValidationError, among others
        raise Invalid(f"not a valid R4 {data['resourceType']}: {e}") from None


def questions(items, parent=None, out=None):
    """linkId -> (parent linkId, position, item) for every item."""
    out = {} if out is None else out
    for i, item in enumerate(items or []):
        link = item["linkId"]
        if link in out:
            raise Invalid(f"linkId {link!r} appears twice")
        out[link] = (parent, i, item)
        questions(item.get("item"), link, out)
    return out


def check_questionnaire(q):
    sets = {"#" + c["id"]: c for c in q.get("contained", []) if c["resourceType"] == "ValueSet"}
    index = questions(q["item"])
    for link, (_, _, item) in index.items():
        if item["type"] == "choice" and item.get("answerValueSet") not in sets:
            raise Invalid(f"{link}: its answerValueSet is not contained")
    codes = {
        (inc["system"], c["code"])
        for vs in sets.values()
        for inc in vs["compose"]["include"]
        for c in inc["concept"]
    }
    return index, codes


def check_answer(link, question, answer, codes):
    kind = question["type"]
    if kind == "choice":
        c = answer.get("valueCoding") or {}
        if (c.get("system"), c.get("code")) not in codes:
            raise Invalid(f"{link}: {c} is not one of the question's answers")
    elif kind == "decimal":
        if "valueDecimal" in answer:
            x = answer["valueDecimal"]
            for ext in question.get("extension", []):
                if ext["url"].endswith("/minValue") and x < ext["valueDecimal"]:
                    raise Invalid(f"{link}: {x} is below its minimum")
                if ext["url"].endswith("/maxValue") and x > ext["valueDecimal"]:
                    raise Invalid(f"{link}: {x} is above its maximum")
        else:
            exts = answer.get("_valueDecimal", {}).get("extension", [])
            if not any(e["url"] == ABSENT and e.get("valueCode") == "asked-unknown" for e in exts):
                raise Invalid(f"{link}: a number without a value must say it is asked-unknown")
    else:
        raise Invalid(f"{link}: a {kind} item cannot have an answer")


def check_items(items, parent, index, codes):
    last = -1
    for item in items or []:
        link = item["linkId"]
        if link not in index:
            raise Invalid(f"response item {link!r} is not in the questionnaire")
        at_parent, position, question = index[link]
        if at_parent != parent:
            raise Invalid(f"response item {link!r} is under {parent!r}, not {at_parent!r}")
        if position <= last:
            raise Invalid(f"response item {link!r} is out of the questionnaire's order")
        last = position
        for answer in item.get("answer", []):
            check_answer(link, question, answer, codes)
        check_items(item.get("item"), link, index, codes)


def check_bundle(b, q, index, codes):
    if b["type"] != "collection":
        raise Invalid("the bundle is not a collection")
    urls = {}
    for entry in b["entry"]:
        r = entry["resource"]
        if entry["fullUrl"] != "urn:uuid:" + r["id"]:
            raise Invalid(f"fullUrl {entry['fullUrl']} does not name {r['id']}")
        urls[entry["fullUrl"]] = r
    kinds = sorted(r["resourceType"] for r in urls.values())
    if kinds != ["QuestionnaireResponse", "RiskAssessment"]:
        raise Invalid(f"the bundle holds {kinds}")
    for r in urls.values():
        if r["resourceType"] == "QuestionnaireResponse":
            if r["questionnaire"] != f"{q['url']}|{q['version']}":
                raise Invalid(f"the response answers {r['questionnaire']}, not this questionnaire")
            check_items(r.get("item"), None, index, codes)
        else:
            for ref in r["basis"]:
                if ref["reference"] not in urls:
                    raise Invalid(f"basis {ref['reference']} is not in the bundle")
            if not r["prediction"][0]["outcome"]["coding"][0]["system"].endswith("/CodeSystem/urgency"):
                raise Invalid("the first prediction is not the urgency")
            if len(r.get("note", [])) < 2:
                raise Invalid("the disclaimer and emergency note are missing")


def first_coded(items):
    """The first answer with a code, depth first."""
    for item in items or []:
        for answer in item.get("answer", []):
            if "valueCoding" in answer:
                return answer
        found = first_coded(item.get("item"))
        if found is not None:
            return found
    return None


def check(data, q, index, codes):
    parse(data)
    if data["resourceType"] == "Bundle":
        check_bundle(data, q, index, codes)


def main(paths):
    docs = [(p, json.load(open(p, encoding="utf-8"))) for p in paths]
    q = next((d for _, d in docs if d["resourceType"] == "Questionnaire"), None)
    if q is None:
        sys.exit("fhir_check: give a questionnaire first")
    parse(q)
    index, codes = check_questionnaire(q)

    # The check must be able to fail: each broken copy must be refused.
    bundle = next(d for _, d in docs if d["resourceType"] == "Bundle")
    breaks = {
        "an element R4 does not have": lambda b: b.update(surprise=1),
        "a bundle type of the wrong type": lambda b: b.update(type=["collection"]),
        "a response item not in the questionnaire": lambda b: b["entry"][0]["resource"]["item"].append(
            {"linkId": "no_such_question", "answer": [{"valueDecimal": 1}]}
        ),
        "an answer that is not a code of the question": lambda b: first_coded(
            b["entry"][0]["resource"]["item"]
        ).update(valueCoding={"system": "http://example.org", "code": "maybe"}),
        "a yes/no answer given as a number": lambda b: first_coded(
            b["entry"][0]["resource"]["item"]
        ).update(valueCoding=None, valueDecimal=0),
    }
    passed = failed = 0
    for what, break_it in breaks.items():
        broken = copy.deepcopy(bundle)
        break_it(broken)
        try:
            check(broken, q, index, codes)
            print(f"FAIL: accepted {what}")
            failed += 1
        except (Invalid, KeyError, TypeError):
            passed += 1

    for path, data in docs:
        try:
            check(data, q, index, codes)
            passed += 1
        except (Invalid, KeyError, TypeError) as e:
            print(f"FAIL: {path}: {e}")
            failed += 1
    print(f"fhir: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
