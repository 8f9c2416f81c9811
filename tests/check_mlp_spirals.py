"""Runs examples/mlp_spirals and checks what a user would look at: the
accuracy it prints is above a threshold, and both SVG pictures parse as XML
with an <svg> root holding the drawing (a polyline, rectangles and circles).

    check_mlp_spirals.py PROGRAM [MIN_ACCURACY]"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def svg_root(path):
    root = ET.parse(path).getroot()
    if root.tag != SVG + "svg":
        sys.exit(f"{path}: the root element is {root.tag}, not svg")
    return root


def main():
    program = sys.argv[1]
    min_accuracy = float(sys.argv[2]) if len(sys.argv) > 2 else 0.95
    with tempfile.TemporaryDirectory() as tmp:
        loss_svg, regions_svg = os.path.join(tmp, "loss.svg"), os.path.join(tmp, "regions.svg")
        run = subprocess.run([program, loss_svg, regions_svg], capture_output=True, text=True, timeout=60)
        print(run.stdout, end="")
        if run.returncode != 0:
            sys.exit(f"{program} failed ({run.returncode}): {run.stderr}")
        found = re.search(r"^accuracy: ([0-9.]+)", run.stdout, re.M)
        if not found:
            sys.exit("no accuracy line")
        if float(found.group(1)) < min_accuracy:
            sys.exit(f"accuracy {found.group(1)} is below {min_accuracy}")
        if "\r" in run.stdout:
            sys.exit("a progress bar (\\r) written to a pipe instead of plain lines")
        if svg_root(loss_svg).find(SVG + "polyline") is None:
            sys.exit("the loss picture has no polyline")
        regions = svg_root(regions_svg)
        if not regions.findall(SVG + "rect") or not regions.findall(SVG + "circle"):
            sys.exit("the regions picture lacks its rectangles or its points")
    print("ok")


main()
