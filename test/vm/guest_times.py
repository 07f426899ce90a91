#!/usr/bin/env python3
"""Where the guests' time went: each guest's e2e total and its slowest tests, from the GoogleTest
XML it wrote (guest_tests.sh). Runs after both guests; a guest that wrote nothing is said so.

    guest_times.py OUT_DIR...
"""
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

for out in sys.argv[1:]:
    path = Path(out) / "e2e.xml"
    try:
        cases = [(float(case.get("time", 0)), f"{case.get('classname')}.{case.get('name')}")
                 for case in ElementTree.parse(path).iter("testcase")]
    except (OSError, ElementTree.ParseError) as error:
        print(f"{out}: no test times ({error})")
        continue
    cases.sort(reverse=True)
    print(f"{out}: {len(cases)} tests, {sum(time for time, _ in cases):.0f} s; the slowest:")
    for time, name in cases[:8]:
        print(f"  {time:6.1f} s  {name}")
