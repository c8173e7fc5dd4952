"""An offline HTML choropleth of the audit's districts (one file, no network needed).

The districts are drawn as SVG by a small script from a JSON block: district names and codes
are data, placed with ``textContent`` and ``setAttribute`` only, never into markup or a
template. Clicking a district shows its row of the table and a link to its own map.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import shapely

from coverage import io as cio
from coverage.audit.columns import NOT_APPLICABLE, labelled
from coverage.i18n import t

if TYPE_CHECKING:
    from coverage.audit.outcome import AuditRun

__all__ = ["choropleth_data", "write_choropleth"]

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title></title>
<style>
body{margin:0;font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;display:flex;
flex-wrap:wrap;height:100vh}
#map{flex:2 1 420px;min-height:60vh}#side{flex:1 1 300px;padding:12px;overflow:auto}
svg{width:100%;height:100%}path{stroke:#fff;stroke-width:.6;vector-effect:non-scaling-stroke;
cursor:pointer}path.sel{stroke:#000;stroke-width:2.5}
table{border-collapse:collapse;font-size:13px}td{border-bottom:1px solid #ddd;padding:3px 6px}
.legend span{display:inline-block;width:28px;height:12px;margin-right:2px}
</style></head><body>
<div id="map"><svg id="svg"></svg></div>
<div id="side"><h2 id="title"></h2><div class="legend" id="legend"></div>
<p id="hint"></p><h3 id="dname"></h3><table id="tbl"></table><p><a id="link"></a></p></div>
<script type="application/json" id="data">__DATA__</script>
<script>
(function(){
const D=JSON.parse(document.getElementById("data").textContent);
const NS="http://www.w3.org/2000/svg";
document.title=D.title;document.getElementById("title").textContent=D.title;
document.getElementById("hint").textContent=D.words.hint;
const colors=["#d73027","#fc8d59","#fee08b","#d9ef8b","#91cf60","#1a9850"];
function color(v){if(v===null)return"#bbbbbb";return colors[Math.min(5,Math.floor(v*6))];}
const lg=document.getElementById("legend");
lg.appendChild(document.createTextNode(D.words.legend+" "));
colors.forEach(function(c,i){const s=document.createElement("span");s.style.background=c;
s.title=Math.round(i*100/6)+"–"+Math.round((i+1)*100/6)+" %";lg.appendChild(s);});
const na=document.createElement("span");na.style.background="#bbbbbb";lg.appendChild(na);
lg.appendChild(document.createTextNode(" "+D.words.none));
const svg=document.getElementById("svg");const b=D.bounds;
const k=Math.cos((b[1]+b[3])/2*Math.PI/180);
svg.setAttribute("viewBox",[b[0]*k,-b[3],(b[2]-b[0])*k,b[3]-b[1]].join(" "));
let selected=null;
function show(f,el){
 if(selected)selected.classList.remove("sel");selected=el;el.classList.add("sel");
 document.getElementById("dname").textContent=f.name;
 const t=document.getElementById("tbl");t.replaceChildren();
 f.rows.forEach(function(r){const tr=document.createElement("tr");
  const a=document.createElement("td");a.textContent=r[0];
  const v=document.createElement("td");v.textContent=r[1];tr.append(a,v);t.appendChild(tr);});
 const l=document.getElementById("link");
 if(f.map){l.setAttribute("href",f.map);l.textContent=D.words.open;}
 else{l.removeAttribute("href");l.textContent="";}
}
D.features.forEach(function(f){
 const p=document.createElementNS(NS,"path");
 p.setAttribute("d",f.rings.map(function(r){return "M"+r.map(function(c){
  return (c[0]*k).toFixed(5)+" "+(-c[1]).toFixed(5);}).join("L")+"Z";}).join(""));
 p.setAttribute("fill",color(f.value));p.setAttribute("fill-rule","evenodd");
 const tt=document.createElementNS(NS,"title");tt.textContent=f.name;p.appendChild(tt);
 p.addEventListener("click",function(){show(f,p);});svg.appendChild(p);
});
})();
</script></body></html>
"""

#: The page's own words (catalogue keys ``map.audit.*``).
_WORDS = ("hint", "legend", "none", "open")


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


def _text(column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NOT_APPLICABLE
    if isinstance(value, float):
        if column.startswith("share_") or column == "evaluable_share" or column == "cross_share":
            return f"{value:.1%}"
        if column == "facilities_per_10k":
            return f"{value:,.2f}"  # a few per 10,000 people: 0.04 is not "0.0"
        return f"{value:,.1f}" if column == "seconds" else f"{value:,.0f}"
    return str(value)


def choropleth_data(run: AuditRun, table: pd.DataFrame) -> dict[str, Any]:
    """What the page draws: districts (rings, value, table rows, map link) and its words."""
    lang = run.audit.lang
    shown = labelled(table, lang)
    geoms = {d.code: d.geometry for d in run.districts}
    features = []
    for row, words in zip(table.to_dict("records"), shown.to_dict("records"), strict=True):
        value = row.get("share_any")
        done = row["status"] == "done"
        if row.get("evaluable_share") == 0:
            value = None  # nobody evaluable: grey, not the red of "nobody covered"
        rows = [  # the status as a word of the page's language, the figures as numbers
            [str(label), _text(col, words[label] if col == "status" else row[col])]
            for col, label in zip(table.columns, shown.columns, strict=True)
            if col not in ("code", "name", "map")
            and not (col == "error" and done)
            and not (col == "note" and not row[col])
        ]
        features.append(
            {
                "name": f"{row['name']} ({row['code']})",
                "rings": _rings(geoms[row["code"]], 0.0002),  # none: not audited, no polygon
                "value": float(value) if done and value is not None and value == value else None,
                "rows": rows,
                "done": bool(done),
                "map": str(row["map"]),
            }
        )
    bounds = shapely.total_bounds(list(geoms.values())).tolist()
    title = run.audit.title or run.audit.name
    if lang == "en":
        title = run.audit.title_en or run.audit.name
    return {
        "title": title,
        "bounds": bounds,
        "features": features,
        "words": {w: t(lang, f"map.audit.{w}") for w in _WORDS},
    }


def write_choropleth(run: AuditRun, table: pd.DataFrame, path: Path) -> Path:
    """Write the choropleth page atomically and return its path."""
    data = json.dumps(choropleth_data(run, table), ensure_ascii=False)
    # Inside <script>: "<" escaped so no text can close the element or open a comment.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return cio.write_text(path, _PAGE.replace("__DATA__", data))
