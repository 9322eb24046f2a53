#!/usr/bin/env python3
"""Counts test cases in every JUnit XML report under the tree and prints 'N passed, N failed, N skipped'."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

root = sys.argv[1] if len(sys.argv) > 1 else "."
patterns = ["**/target/surefire-reports/TEST-*.xml", "**/target/failsafe-reports/TEST-*.xml",
            "**/target/test-reports/**/TEST-*.xml"]
passed = failed = skipped = 0
seen = set()
for pattern in patterns:
    for path in glob.glob(os.path.join(root, pattern), recursive=True):
        if path in seen or "node_modules" in path:
            continue
        seen.add(path)
        try:
            tree = ET.parse(path)
        except ET.ParseError:
            failed += 1
            continue
        for case in tree.getroot().iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
