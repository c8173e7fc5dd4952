"""An offline HTML choropleth of the audit's districts (one file, no network needed).

The districts are drawn as SVG by a small script from a JSON block: district names and codes
are data, placed with ``textContent`` and ``setAttribute`` only, never into markup or a
template. Clicking a district (on the map or in the list beside it, big enough to tap on a
phone) shows its row of the table and a link to its own map. Shares read as the maps and the
report show them (:func:`coverage.counts.shown_share`: 99.96 % is "99.9%"), and each colour
class holds the one-decimal shares its legend names; a district without a share that means
something (failed, nobody there, nobody evaluable) is grey and says why. The page has no
basemap: it needs no network.
"""

from __future__ import annotations

import json
import math
import numbers
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import shapely

from coverage import io as cio
from coverage.audit.columns import NOT_APPLICABLE, SHARES, labelled
from coverage.counts import off_the_ends, shown_share
from coverage.i18n import t

if TYPE_CHECKING:
    from coverage.audit.outcome import AuditRun

__all__ = ["BREAKS", "COLORS", "choropleth_data", "classes", "share_class", "write_choropleth"]

_PAGE = """<!DOCTYPE html>
<html lang="__LANG__"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title></title>
<style>
body{margin:0;font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;display:flex;
height:100vh}#map{flex:2 1 0;min-width:0}#side{flex:1 1 320px;padding:12px;overflow:auto;
min-width:0;box-sizing:border-box}
@media (max-width:700px){body{display:block;height:auto}#map{max-height:60vh}
#side{overflow:visible}}h2{font-size:1.25em;margin:.3em 0}h2,h3{overflow-wrap:anywhere}
svg{width:100%;height:100%}path{stroke:#fff;stroke-width:.6;vector-effect:non-scaling-stroke;
cursor:pointer}path.sel{stroke:#000;stroke-width:2.5}
table{border-collapse:collapse;font-size:13px}td{border-bottom:1px solid #ddd;padding:3px 6px;
overflow-wrap:anywhere}
.sw{display:inline-block;width:22px;height:14px;margin-right:6px;vertical-align:middle;
border:1px solid #999;flex:none}
#legend div{margin:2px 0;font-size:14px}
#list{list-style:none;padding:0;margin:8px 0}#list button{display:flex;width:100%;min-height:36px;
align-items:center;gap:6px;text-align:left;font:inherit;background:#fff;border:1px solid #ddd;
border-radius:4px;margin:2px 0;padding:4px 8px;cursor:pointer}#list button span{min-width:0;
overflow-wrap:anywhere}#list button .v{margin-left:auto;white-space:nowrap;flex:none}
#list button.sel{border-color:#000;font-weight:bold}
#link[href]{display:inline-block;min-height:36px;line-height:36px;padding:0 12px;
border:1px solid #2b6cb0;border-radius:4px;text-decoration:none}
#note{color:#555;font-size:13px}
</style></head><body>
<div id="map"><svg id="svg" role="img"></svg></div>
<div id="side"><h2 id="title"></h2><p id="hint"></p><div id="legend"></div><p id="note"></p>
<ul id="list"></ul><h3 id="dname"></h3><table id="tbl"></table>
<p><a id="link"></a></p></div>
<script type="application/json" id="data">__DATA__</script>
<script>
(function(){
const D=JSON.parse(document.getElementById("data").textContent);
const NS="http://www.w3.org/2000/svg",GREY="#bbbbbb";
function el(tag,cls,text){const e=document.createElement(tag);if(cls)e.className=cls;
 if(text!==undefined)e.textContent=text;return e;}
function swatch(c){const s=el("span","sw");s.style.background=c;return s;}
function color(f){return f.cls===null?GREY:D.classes[f.cls].color;}
document.title=D.title;document.getElementById("title").textContent=D.title;
document.getElementById("hint").textContent=D.words.hint;
document.getElementById("note").textContent=D.words.note;
const lg=document.getElementById("legend");lg.appendChild(el("div","",D.words.legend));
D.classes.slice().reverse().forEach(function(c){const r=el("div");r.append(swatch(c.color),
 document.createTextNode(c.label));lg.appendChild(r);});
const na=el("div");na.append(swatch(GREY),document.createTextNode(D.words.none));lg.appendChild(na);
const svg=document.getElementById("svg");const b=D.bounds;
const k=Math.cos((b[1]+b[3])/2*Math.PI/180);
svg.setAttribute("viewBox",[b[0]*k,-b[3],(b[2]-b[0])*k,b[3]-b[1]].join(" "));
// On a phone the map is as tall as the districts' shape needs (60 % of the screen at most).
document.getElementById("map").style.aspectRatio=((b[2]-b[0])*k)+" / "+(b[3]-b[1]);
let selected=[];
function show(f){
 selected.forEach(function(e){e.classList.remove("sel");});selected=f.els;
 f.els.forEach(function(e){e.classList.add("sel");});
 const h=document.getElementById("dname");h.textContent=f.name;
 const t=document.getElementById("tbl");t.replaceChildren();
 f.rows.forEach(function(r){const tr=el("tr");tr.append(el("td","",r[0]),el("td","",r[1]));
  t.appendChild(tr);});
 const l=document.getElementById("link");
 if(f.map){l.setAttribute("href",f.map);l.textContent=D.words.open;}
 else{l.removeAttribute("href");l.textContent="";}
 const r=h.getBoundingClientRect();  // on a phone the figures are below the map
 if(r.top<0||r.top>window.innerHeight-40){h.scrollIntoView({block:"start"});}
}
const list=document.getElementById("list");
D.features.forEach(function(f){
 f.els=[];
 if(f.rings.length){const p=document.createElementNS(NS,"path");
  p.setAttribute("d",f.rings.map(function(r){return "M"+r.map(function(c){
   return (c[0]*k).toFixed(5)+" "+(-c[1]).toFixed(5);}).join("L")+"Z";}).join(""));
  p.setAttribute("fill",color(f));p.setAttribute("fill-rule","evenodd");
  const tt=document.createElementNS(NS,"title");tt.textContent=f.name+": "+f.shown;
  p.appendChild(tt);p.addEventListener("click",function(){show(f);});svg.appendChild(p);
  f.els.push(p);}
 const li=el("li"),bt=el("button");bt.type="button";
 bt.append(swatch(color(f)),el("span","",f.name),el("span","v",f.shown));
 bt.addEventListener("click",function(){show(f);});li.appendChild(bt);list.appendChild(li);
 f.els.push(bt);
});
})();
</script></body></html>
"""

#: The page's own words (catalogue keys ``map.audit.*``).
_WORDS = ("hint", "legend", "none", "note", "open")
#: Lower bounds of the colour classes above the first (shares of the district's people), and
#: the classes' colours, red (least covered) to green. A class reads as the one-decimal
#: percentages it holds ("50.0–69.9%"), so a district's colour agrees with its shown share.
BREAKS = (0.5, 0.7, 0.8, 0.9, 0.95)
COLORS = ("#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850")


def classes() -> list[dict[str, str]]:
    """The legend: each class's colour and the range of shown shares it holds."""
    edges = [0.0, *BREAKS, 1.0]
    out = []
    for i, c in enumerate(COLORS):
        lo, hi = 100 * edges[i], 100 * edges[i + 1] - 0.1
        label = f"{lo:.1f}–{hi:.1f}%" if i < len(COLORS) - 1 else f"{lo:.1f}–100.0%"
        out.append({"color": c, "label": label})
    return out


def share_class(share: float | None) -> int | None:
    """The colour class of a share as the page shows it; None for no share.

    The share is classed as it reads (one decimal, 99.96 % as 99.9 %, 49.996 % as 50.0 %), so
    its colour and its text agree.
    """
    if share is None or not math.isfinite(share):
        return None
    shown = round(float(off_the_ends([share], 3)[0]), 3)
    return sum(shown >= b for b in BREAKS)


def _rings(geom: shapely.Geometry | None, tolerance: float) -> list[list[list[float]]]:
    if geom is None:
        return []
    geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    out = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            out.append([[round(x, 5), round(y, 5)] for x, y in ring.coords])
    return out


def _missing(value: Any) -> bool:
    # pd.NA: a count the table leaves empty (whole people, nullable integers)
    return (
        value is None or value is pd.NA or (isinstance(value, float) and not math.isfinite(value))
    )


def _text(column: str, value: Any) -> str:
    if _missing(value):
        return NOT_APPLICABLE
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{value:,}"  # whole people and facilities, as the table counts them
    if isinstance(value, float):
        if _is_share(column):
            return shown_share(value)  # 99.96 % reads 99.9 %, not 100.0 %
        if column == "facilities_per_10k":
            return f"{value:,.2f}"  # a few per 10,000 people: 0.04 is not "0.0"
        return f"{value:,.1f}" if column == "seconds" else f"{value:,.0f}"
    return str(value)


def _value(row: dict[str, Any]) -> float | None:
    """The share a district is coloured by; None (grey) without one that means something."""
    value = row.get("share_any")
    if row["status"] != "done" or value is None or _missing(value):
        return None  # failed or nobody there: not the red of "nobody covered"
    if row.get("evaluable_share") == 0:
        return None  # nobody evaluable: grey too
    return float(value)


def _shown(row: dict[str, Any], value: float | None, lang: str) -> str:
    """What the district list and the tooltip say beside the name: its share, or why none."""
    if value is not None:
        return shown_share(value)
    status = row["status"]
    if status != "done":
        return t(lang, f"excel.audit.status.{status}")
    if row.get("evaluable_share") == 0:
        return t(lang, "map.audit.not_evaluable")
    return t(lang, "map.audit.no_people")


def _columns(table: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """The table's columns a district's rows may show, with their words.

    Not a count no district has (workers left out, without a workers layer): a row of dashes
    on every district says nothing. Shares stay: "–" says a share does not apply (no people).
    """
    shown = labelled(table.head(0), lang).columns
    return [
        (col, str(label))
        for col, label in zip(table.columns, shown, strict=True)
        if col not in ("code", "name", "map")
        and (_is_share(col) or not table[col].map(_missing).all())
    ]


def _is_share(column: str) -> bool:
    return column.startswith("share_") or column in SHARES


def _rows(row: dict[str, Any], words: dict[str, Any], columns: list[tuple[str, str]]) -> list[Any]:
    """A district's table on the page: the status as a word, the figures as numbers.

    A district without results lists what it has (status, error, note, known counts), not a
    column of dashes.
    """
    done = row["status"] == "done"
    return [
        [label, _text(col, words[label] if col == "status" else row[col])]
        for col, label in columns
        if not (col == "error" and done)
        and not (col == "note" and not row[col])
        and (done or not _missing(row[col]))
    ]


def choropleth_data(run: AuditRun, table: pd.DataFrame) -> dict[str, Any]:
    """What the page draws: districts (rings, class, table rows, map link), legend and words.

    ``table`` is the district table with its people whole as the CSV and the workbook count
    them (:func:`coverage.audit.results.whole_people`), so that the page shows the same
    numbers: a district's covered and not covered people add up to its people.
    """
    lang = run.audit.lang
    shown = labelled(table, lang)
    geoms = {d.code: d.geometry for d in run.districts}
    columns = _columns(table, lang)
    features = []
    for row, words in zip(table.to_dict("records"), shown.to_dict("records"), strict=True):
        value = _value(row)
        features.append(
            {
                "name": f"{row['name']} ({row['code']})",
                "rings": _rings(geoms[row["code"]], 0.0002),  # none: not audited, no polygon
                "value": value,
                "cls": share_class(value),
                "shown": _shown(row, value, lang),
                "rows": _rows(row, words, columns),
                "done": row["status"] == "done",
                "map": str(row["map"]),
            }
        )
    bounds = shapely.total_bounds(list(geoms.values())).tolist()
    title = run.audit.title or run.audit.name
    if lang == "en":
        title = run.audit.title_en or run.audit.name
    return {
        "title": title,
        "lang": lang,
        "bounds": bounds,
        "classes": classes(),
        "features": features,
        "words": {w: t(lang, f"map.audit.{w}") for w in _WORDS},
    }


def write_choropleth(run: AuditRun, table: pd.DataFrame, path: Path) -> Path:
    """Write the choropleth page atomically and return its path (``table``: people whole)."""
    data = json.dumps(choropleth_data(run, table), ensure_ascii=False)
    # Inside <script>: "<" escaped so no text can close the element or open a comment.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    page = _PAGE.replace("__LANG__", "zh-CN" if run.audit.lang == "zh" else "en")
    return cio.write_text(path, page.replace("__DATA__", data))
