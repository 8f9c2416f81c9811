"""check_graph_svg.py DOT PROGRAM PICTURE: PROGRAM prints a graph as DOT
(tg_graph_dot); Graphviz's DOT renders it as SVG. The SVG must parse, show
each line of every node's label once and every edge, and the picture
committed in docs/ (PICTURE) must show the same labels and edges, so that
it is the graph the guide's example draws today."""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def drawn(svg_text, what):
    """The sorted texts and the number of edges of an SVG picture."""
    try:
        root = ET.fromstring(svg_text)
    except ET.ParseError as e:
        sys.exit(f"{what}: not well-formed SVG: {e}")
    if root.tag != SVG + "svg":
        sys.exit(f"{what}: the root element is {root.tag}, not svg")
    texts = sorted(t.text for t in root.iter(SVG + "text"))
    edges = sum(1 for g in root.iter(SVG + "g") if g.get("class") == "edge")
    return texts, edges


def main():
    dot, program, picture = sys.argv[1:4]
    graph = subprocess.run([program], check=True, capture_output=True, text=True).stdout
    if not graph.startswith("digraph {"):
        sys.exit(f"{program} did not print a DOT graph:\n{graph}")
    labels = sorted(line for label in re.findall(r'label="([^"]*)"', graph) for line in label.split("\\n"))
    edges = sum(1 for line in graph.splitlines() if "->" in line)
    if not labels or not edges:
        sys.exit(f"{program} printed a graph without nodes or edges:\n{graph}")
    svg = subprocess.run([dot, "-Tsvg"], input=graph, check=True, capture_output=True, text=True).stdout
    for what, text in ((f"dot -Tsvg of {program}'s graph", svg), (picture, open(picture).read())):
        texts, n = drawn(text, what)
        if texts != labels or n != edges:
            sys.exit(f"{what} shows {texts} and {n} edges; the graph has {labels} and {edges} edges")
    print(f"{len(labels)} label lines and {edges} edges, rendered and in {picture}")


main()
