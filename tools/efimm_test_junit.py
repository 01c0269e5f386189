"""tools/efimm_test_junit.py - the JUnit XML file of tools/efimm-test.

One <testsuite> (inside <testsuites>, which carries the same counts), one
<testcase> per payload named after its file: a failure carries the reason
as its message and the payload's serial lines (its subtest block) as
text; a skip is <skipped message="reason"/>; a payload the boot never
finished (an infrastructure error: hang, crash of efimm) is an <error>.
Every testcase has the serial lines in <system-out> too."""
import re
import socket
import time
import xml.etree.ElementTree as ET

# Characters XML 1.0 cannot hold (a payload may print anything).
XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text):
    return XML_BAD.sub("?", text)


def testcase(entry):
    """entry: dict name, file, status (PASS FAIL SKIP ERROR), reason,
    seconds, lines."""
    tc = ET.Element("testcase", name=entry["name"], classname="efimm",
                    file=entry["file"], time=f"{entry['seconds']:.3f}")
    body = clean("\n".join(entry["lines"]))
    status, reason = entry["status"], clean(entry["reason"])
    if status == "FAIL":
        ET.SubElement(tc, "failure", message=reason, type="failure").text = body
    elif status == "SKIP":
        ET.SubElement(tc, "skipped", message=reason)
    elif status == "ERROR":
        ET.SubElement(tc, "error", message=reason, type="error").text = body
    if body:
        ET.SubElement(tc, "system-out").text = body
    return tc


def write(path, entries, seconds, suite_name="efimm-test"):
    """Writes the JUnit file for entries (in target order)."""
    count = {s: sum(1 for e in entries if e["status"] == s)
             for s in ("FAIL", "SKIP", "ERROR")}
    attrs = {"tests": str(len(entries)), "failures": str(count["FAIL"]),
             "errors": str(count["ERROR"]), "skipped": str(count["SKIP"]),
             "time": f"{seconds:.3f}"}
    root = ET.Element("testsuites", name=suite_name, **attrs)
    suite = ET.SubElement(root, "testsuite", name=suite_name,
                          timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"),
                          hostname=socket.gethostname(), **attrs)
    for entry in entries:
        suite.append(testcase(entry))
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
