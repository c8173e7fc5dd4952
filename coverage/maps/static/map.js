var M=coverageMeta,NS='http://www.w3.org/2000/svg';
// The page's language (folium writes a bare <html>): Chinese glyphs for Chinese text, and no
// browser offer to translate the page.
if(!document.documentElement.lang){document.documentElement.lang=M.lang==='zh'?'zh-CN':M.lang;}
// Geometries come packed (coverage.maps.geometry.pack_geometry): each position list is
// [x0,y0,dx1,dy1,...] in 1/scale degrees; restore GeoJSON coordinates before drawing.
var DEPTH={Point:0,MultiPoint:1,LineString:1,MultiLineString:2,Polygon:2,MultiPolygon:3};
function unpack(a,d,k){if(d>1){return a.map(function(p){return unpack(p,d-1,k);});}
var out=[],x=0,y=0;for(var i=0;i+1<a.length;i+=2){x+=a[i];y+=a[i+1];out.push([x/k,y/k]);}
return d?out:out[0];}
function unpackGeom(g,k){if(!g){return;}if(g.geometries){g.geometries.forEach(function(h){
unpackGeom(h,k);});}else if(g.c){g.coordinates=unpack(g.c,DEPTH[g.type],k);delete g.c;}}
function unpackFC(fc){if(fc&&fc.scale){fc.features.forEach(function(f){
unpackGeom(f.geometry,fc.scale);});delete fc.scale;}return fc;}
// Tables keyed by facility id come as [id, value] pairs and are read into objects without a
// prototype: any id ("__proto__", "constructor") is an ordinary key, and a missing one is
// undefined (a JSON object in a script would take "__proto__" as the object's prototype).
function idTable(){return Object.create(null);}
function byId(pairs){var o=idTable();pairs.forEach(function(p){o[p[0]]=p[1];});return o;}
M.catchments=byId(M.catchments);M.colors=byId(M.colors);
Object.keys(M.catchments).forEach(function(k){unpackFC(M.catchments[k]);});
M.overlays.forEach(function(s){if(s.kind==='geojson'){unpackFC(s.data);}
if(s.kind==='bands'){s.bands.forEach(function(b){unpackFC(b.data);});}});
function el(tag,cls,text){var e=document.createElement(tag);if(cls){e.className=cls;}
if(text!==undefined&&text!==null){e.textContent=String(text);}return e;}
function esc(s){return String(s).replace(/[&<>"'`]/g,function(c){
return '&#'+c.charCodeAt(0)+';';});}
function svgEl(tag,attrs){var e=document.createElementNS(NS,tag);
Object.keys(attrs).forEach(function(k){e.setAttribute(k,String(attrs[k]));});return e;}
var SHAPES={circle:['circle',{cx:10,cy:10,r:8}],square:['rect',{x:2,y:2,width:16,height:16,rx:2}],
diamond:['polygon',{points:'10,1 19,10 10,19 1,10'}],
triangle:['polygon',{points:'10,1.5 19,18 1,18'}],
star:['polygon',{points:'10,1 12.6,7 19,7.4 14,11.6 15.6,18.5 10,14.8 4.4,18.5 6,11.6 1,7.4 '
+'7.4,7'}]};
function icon(shape,color,size,attrs,text){
var s=svgEl('svg',Object.assign({viewBox:'0 0 20 20',width:size,height:size},attrs||{}));
var g=svgEl('g',{fill:color,stroke:'#fff','stroke-width':2}),sh=SHAPES[shape]||SHAPES.triangle;
g.appendChild(svgEl(sh[0],sh[1]));s.appendChild(g);
if(text){var t=svgEl('text',{x:10,y:12.5,'text-anchor':'middle','font-size':7,
'font-weight':'bold',fill:'#fff',stroke:'none'});t.textContent=text;s.appendChild(t);}
return s;}
// A row of one cell is a section heading across both columns (a plan map's KPI panel).
function table(rows,head,cls){var t=el('table');rows.forEach(function(r){var tr=el('tr');
if(r.warn!==undefined){var w=el('td','cov-warn',r.warn);w.colSpan=2;tr.appendChild(w);}
else if(r.length===1){var c=el('th','cov-section',r[0]);c.colSpan=2;tr.appendChild(c);}
else{tr.appendChild(el(head,'',r[0]));tr.appendChild(el('td',cls,r[1]));}
t.appendChild(tr);});return t;}
function popup(p){var d=el('div','cov-popup');d.appendChild(el('h4','',p.title));
d.appendChild(table(p.rows||[],'th',''));if(p.warn){d.appendChild(el('div','cov-warn',p.warn));}
if(p.hint){d.appendChild(el('div','cov-hint',p.hint));}
return d;}
// Phones, upright (the breakpoint of map.css) or on their side: the panels start folded.
var cramped=window.matchMedia('(max-width: 600px), (max-height: 560px)').matches;
// The room left on the map by the title, the panels and the controls, measured now: each is
// taken off one side of the map (the title off the top, a laptop's side panels off the left or
// right, a phone's docked panels off the bottom), the sides chosen to leave the largest room.
function obstacles(){var c=map.getContainer();return [document.getElementById('cov-title'),
document.getElementById('cov-kpi'),document.getElementById('cov-legend'),
c.querySelector('.leaflet-control-layers'),c.querySelector('.leaflet-control-zoom')].filter(
function(e){return e&&e.getClientRects().length;}).map(function(e){
return e.getBoundingClientRect();});}
function room(){var c=map.getContainer(),cb=c.getBoundingClientRect(),W=cb.width,H=cb.height,
gap=8,obs=[];
obstacles().forEach(function(r){
var x0=r.left-cb.left,y0=r.top-cb.top,x1=r.right-cb.left,y1=r.bottom-cb.top;
if(x1<=0||y1<=0||x0>=W||y0>=H||r.width*r.height===0){return;}
obs.push({t:y1,b:H-y0,l:x1,r:W-x0});});
var best=null;(function pick(i,p){if(i===obs.length){var a=Math.max(0,W-p.l-p.r)*Math.max(0,H-p.t-p.b);
if(!best||a>best.a){best={a:a,p:p};}return;}
['t','b','l','r'].forEach(function(k){var q=Object.assign({},p);q[k]=Math.max(q[k],obs[i][k]);
pick(i+1,q);});})(0,{t:0,r:0,b:0,l:0});var p=best.p;
return {tl:L.point(p.l+gap,p.t+gap),br:L.point(p.r+gap,p.b+gap),w:W-p.l-p.r-2*gap,
h:H-p.t-p.b-2*gap};}
// A popup pans into that room as it opens (measured then: panels fold, controls open), no
// wider or taller than the room (content margins, tip and close button take ~50/~70 px).
var Fit=L.Popup.extend({update:function(){if(this._map){var o=this.options,r=room();
if(r.h<240||r.w<200){foldPanels(true);r=room();}  // unfolded panels leave no room on a phone
if(this._covMax===undefined){this._covMax=o.maxWidth;}o.autoPanPaddingTopLeft=r.tl;
o.autoPanPaddingBottomRight=r.br;o.maxWidth=Math.max(120,Math.min(this._covMax,r.w-50));
o.maxHeight=Math.max(120,r.h-70);}return L.Popup.prototype.update.call(this);}});
function fitPopup(opts,content){return new Fit(opts).setContent(content);}
var reg=window.coverageMap={map:map,lang:M.lang,datum:M.datum,layers:{},names:M.names,
counts:M.counts,facilities:idTable(),catchments:M.catchments,highlight:null,selected:null,chosen:null,
bands:{},ready:false};
var bandLayers={},facLayer=idTable();
function label(key){return '<span class="cov-layer" data-layer="'+esc(key)+'">'
+esc(M.names[key])+'</span>';}
var base={},over={};
// Tiles of the other datum (OSM/Tianditu under GCJ-02 data, Amap under WGS-84 data) are moved
// by the offsets in M.shift (computed with prcoords), interpolated at each tile's centre.
function offset(ll){var g=M.shift,n=g.n,cl=function(v){return Math.max(0,Math.min(n-1.001,v));},
fx=cl((ll.lng-g.x[0])/(g.x[1]-g.x[0])*(n-1)),fy=cl((ll.lat-g.y[0])/(g.y[1]-g.y[0])*(n-1)),
i=Math.floor(fx),j=Math.floor(fy),a=fx-i,b=fy-j;
function at(v){return (v[j*n+i]*(1-a)+v[j*n+i+1]*a)*(1-b)+(v[(j+1)*n+i]*(1-a)+v[(j+1)*n+i+1]*a)*b;}
return [at(g.dy),at(g.dx)];}
var Shifted=L.TileLayer.extend({_covOff:function(c){var s=this.getTileSize(),m=this._map,
ll=m.unproject(c.scaleBy(s).add(s.divideBy(2)),c.z),o=offset(ll);
return m.project([ll.lat+o[0],ll.lng+o[1]],c.z).subtract(m.project(ll,c.z)).round();},
_getTilePos:function(c){return L.TileLayer.prototype._getTilePos.call(this,c).add(this._covOff(c));},
_pxBoundsToTileRange:function(b){var m=this._map,c=m.getCenter(),z=this._tileZoom,o=offset(c),
d=m.project([c.lat+o[0],c.lng+o[1]],z).subtract(m.project(c,z)),
pad=L.point(Math.abs(d.x)+1,Math.abs(d.y)+1);  // tiles moved in from beyond the edge
return L.TileLayer.prototype._pxBoundsToTileRange.call(this,L.bounds(b.min.subtract(pad),b.max.add(pad)));}});
// Offline (an office machine, a phone without data) the basemap's tiles fail and the data
// shows on grey: a line over the map says why (the legend, folded on a phone, says it too),
// unless a tile has loaded (one missing tile online is no reason).
var offline=null,tileErrors=0,tilesLoad=false;
function tileFailed(){if(tilesLoad||offline||!M.offline||++tileErrors<2){return;}
offline=el('div','',M.offline);offline.id='cov-offline';offline.setAttribute('role','status');
dock.insertBefore(offline,dock.firstChild);}
function tileLoaded(){tilesLoad=true;if(offline){offline.remove();offline=null;}}
M.basemaps.forEach(function(b){var g=L.layerGroup();b.tiles.forEach(function(tl){
(b.shift&&M.shift?new Shifted(tl.url,tl.options):L.tileLayer(tl.url,tl.options))
.on('tileerror',tileFailed).on('tileload',tileLoaded).addTo(g);});
if(b.show){g.addTo(map);}reg.layers[b.key]=g;base[label(b.key)]=g;});
var draw={
geojson:function(g,s){L.geoJSON(s.data,{style:s.classes?function(f){
return s.classes[f.properties.cls]||s.style;}:s.style,interactive:s.interactive,
bubblingMouseEvents:false,onEachFeature:function(f,l){var p=f.properties&&f.properties.popup;
if(p){l.bindPopup(fitPopup({maxWidth:360},function(){return popup(p);}));}}}).addTo(g);},
// One tier's catchment: every band prepared, the chosen one (s.band) in the group.
bands:function(g,s){var by={};s.bands.forEach(function(b){by[String(b.band)]=L.geoJSON(b.data,
{style:b.style,interactive:false});});bandLayers[s.key]=by;reg.bands[s.key]=s.band;
g.addLayer(by[String(s.band)]);},
points:function(g,s){var d=s.data,base=Object.assign({bubblingMouseEvents:false},s.style),
cls=(s.classes||[]).map(function(c){return Object.assign({bubblingMouseEvents:false},c);});
for(var i=0;i<d.x.length;i++){var st=d.g&&cls.length?cls[d.g[i]]:base;
var c=L.circleMarker([d.y[i],d.x[i]],st);c._covIndex=i;c.addTo(g);}
g.on('click',function(e){var i=e.layer._covIndex,rows=s.fields.map(function(f){var v=d[f[1]][i];
if(v===null||v===undefined){v=f[3]||(f[2]==='min'?s.beyond:'\u2013');}
else{v=f[2]==='min'?s.minutes.split('{v}').join(Number(v).toFixed(1)):typeof v==='string'?v
:Number(v).toLocaleString('en-US');}  // minutes to a tenth (30.0); "<1" person: fewer than 1
return [f[0],v];});if(s.lead){rows=s.lead.concat(rows);}  // rows every point of the class shares
var title=d.name&&d.name[i]?d.name[i]:s.head;
new Fit({maxWidth:320}).setLatLng(e.layer.getLatLng()).setContent(popup({title:title,rows:rows}))
.openOn(g._map);});},
markers:function(g,s){var ic=s.icon,n=ic.size,h=Math.floor(n/2);
s.items.forEach(function(it){var attrs={'class':ic['class']};
Object.keys(it.data).forEach(function(k){attrs['data-'+k]=it.data[k];});
var mk=L.marker([it.lat,it.lng],{zIndexOffset:s.z,icon:L.divIcon({className:ic.iconClass,
html:icon(ic.shape,ic.color,n,attrs,it.text),iconSize:[n,n],iconAnchor:[h,h]})});
mk.bindPopup(fitPopup({maxWidth:340},function(){return popup(it.popup);}));
mk.bindTooltip(function(){return el('div','',it.tooltip);},{sticky:true});
mk.addTo(g);if(it.fid!==undefined){reg.facilities[it.fid]=mk;facLayer[it.fid]=s.key;}});}};
M.overlays.forEach(function(s){var g=L.featureGroup();draw[s.kind](g,s);if(s.show){g.addTo(map);}
reg.layers[s.key]=g;if(!s.fixed){over[label(s.key)]=g;}});
// Small screens (see map.css) get the layer control folded into its button.
var small=window.matchMedia('(max-width: 900px), (max-height: 560px)').matches;
var ctl=L.control.layers(base,over,{collapsed:small,position:'topright',autoZIndex:true});
// Beside each tier's catchment checkbox, its band as a choice. Leaflet rebuilds the list
// whenever a layer is switched, so the choices are added again after each rebuild.
reg.setBand=function(key,band){var by=bandLayers[key],g=reg.layers[key],b=by&&by[String(band)];
if(!b){return false;}g.clearLayers();g.addLayer(b);reg.bands[key]=Number(band);
if(!map.hasLayer(g)){map.addLayer(g);}raise();return true;};
function bandChoices(){M.overlays.forEach(function(s){if(s.kind!=='bands'){return;}
var span=ctl._overlaysList&&ctl._overlaysList.querySelector(
'span.cov-layer[data-layer="'+s.key+'"]');if(!span){return;}
var sel=el('select','cov-band');sel.setAttribute('data-layer',s.key);
sel.setAttribute('aria-label',s.choice);sel.title=s.choice;
s.bands.forEach(function(b){var o=el('option','',b.label);o.value=String(b.band);
sel.appendChild(o);});sel.value=String(reg.bands[s.key]);
sel.addEventListener('change',function(){reg.setBand(s.key,sel.value);});
span.parentNode.parentNode.appendChild(sel);});}
var rebuild=ctl._update;ctl._update=function(){var r=rebuild.apply(this,arguments);
bandChoices();return r;};
ctl.addTo(map);reg.control=ctl;
// Leaflet's own tooltips and spoken labels in the page's language ("Zoom in", "Close popup").
var W=M.words;function say(e,w){if(e){e.title=w;e.setAttribute('aria-label',w);}}
say(ctl._layersLink,W.layers);
if(map.zoomControl){say(map.zoomControl._zoomInButton,W.zoom_in);
say(map.zoomControl._zoomOutButton,W.zoom_out);}
map.on('popupopen',function(e){var b=e.popup._closeButton;if(b){b.setAttribute('aria-label',W.close);}});
var ac=map.attributionControl;if(ac&&typeof ac.options.prefix==='string'){
ac.setPrefix(ac.options.prefix.replace(/title="[^"]*"/,'title="'+esc(W.leaflet)+'"'));}
// The scale bar in the page's words (Leaflet writes "300 m", "1 km").
var scale=L.control.scale({imperial:false,metric:true}),scaleText=scale._updateScale;
scale._updateScale=function(e,text,ratio){scaleText.call(this,e,String(text).replace(/ km$/,
' '+M.units.km).replace(/ m$/,' '+M.units.m),ratio);};scale.addTo(map);
// Street names on hover: the streets sit under interactive layers (boundaries), so they are
// found from the pointer rather than from Leaflet's own hit test.
var streets=reg.layers.streets,tip=null,busy=false;
if(streets){L.DomEvent.on(map.getContainer(),'mousemove',function(e){if(busy){return;}busy=true;
L.Util.requestAnimFrame(function(){busy=false;var p=map.mouseEventToLayerPoint(e),hit=null;
streets.eachLayer(function(gj){gj.eachLayer(function(l){var n=l.feature.properties.tooltip;
if(n&&!hit&&l._parts&&l._containsPoint(p)){hit=n;}});});
if(hit){tip=tip||L.tooltip({sticky:true,className:'cov-street'});
tip.setLatLng(map.layerPointToLatLng(p)).setContent(el('div','',hit));if(!map.hasLayer(tip)){tip.addTo(map);}}
else if(tip&&map.hasLayer(tip)){map.removeLayer(tip);}});});}
// Panels go before the map's container, where the page's own markup would be.
// The KPIs and legend sit in a dock: no box of its own on a laptop (each panel has its corner),
// a column at the bottom of a phone's screen (map.css).
var box=map.getContainer(),dock=el('div'),folds=[];dock.id='cov-dock';
function panel(e,id,into){e.id=id;into.insertBefore(e,into===dock?null:box);
// A panel's heading folds it away (and back); on a phone it starts folded, the map first.
var h=e.querySelector('h4');if(h){h.setAttribute('role','button');h.tabIndex=0;
var set=function(c){e.classList.toggle('cov-closed',c);h.setAttribute('aria-expanded',String(!c));};
var flip=function(){set(!e.classList.contains('cov-closed'));};set(cramped);folds.push(set);
L.DomEvent.disableClickPropagation(e);
h.addEventListener('click',flip);h.addEventListener('keydown',function(ev){
if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();flip();}});}}
function foldPanels(c){folds.forEach(function(set){set(c);});}
panel(el('div','',M.title),'cov-title',box.parentNode);
// A phone shows a long title in two lines (map.css): a tap on it shows it whole, or folds it.
var ttl=document.getElementById('cov-title');ttl.addEventListener('click',function(){
ttl.classList.toggle('cov-title-open');});
// The browser tab (a phone's tab list) names the map as its title bar does.
if(!document.title){document.title=M.title;}box.parentNode.insertBefore(dock,box);
if(M.kpi){var k=el('div','cov-panel');k.appendChild(el('h4','',M.kpi.head));
k.appendChild(table(M.kpi.rows,'td','cov-kpi-value'));
if(M.note){k.appendChild(el('div','cov-note',M.note));}panel(k,'cov-kpi',dock);}
var lg=el('div','cov-panel');lg.appendChild(el('h4','',M.legend.head));
M.legend.rows.forEach(function(r){var row=el('div','cov-legend-row'+(r.sub?' cov-legend-sub':''));
if(r.cls){row.setAttribute('data-class',r.cls);}
if(r.icon){row.appendChild(icon(r.icon[0],r.icon[1],r.icon[2]));}
if(r.dot){var dot=el('span','cov-dot');dot.style.background=r.dot;row.appendChild(dot);}
if(r.fill){var fs=el('span','cov-sw');fs.style.background=r.fill[0];
fs.style.border='1px dashed '+r.fill[1];row.appendChild(fs);}
row.appendChild(document.createTextNode(r.text));
(r.bands||[]).forEach(function(b){var sw=el('span','cov-sw');
sw.style.background='rgba(60,60,60,'+Number(b[0])+')';row.appendChild(sw);
row.appendChild(document.createTextNode(b[1]+' '));});lg.appendChild(row);});
M.legend.notes.forEach(function(t){lg.appendChild(el('div','cov-note',t));});
panel(lg,'cov-legend',dock);
// Whether the title, a panel or a control would cover some of the box b fitted to the whole
// map (20 px around it, as coverage.maps.geometry.fit does): a laptop 1000 px wide.
function covered(b){var cb=map.getContainer().getBoundingClientRect(),s=map.getSize(),
z=map.getBoundsZoom(b,false,L.point(40,40)),p=map.project(b.getNorthWest(),z),
q=map.project(b.getSouthEast(),z),x0=cb.left+(s.x-(q.x-p.x))/2,y0=cb.top+(s.y-(q.y-p.y))/2,
x1=x0+q.x-p.x,y1=y0+q.y-p.y;return obstacles().some(function(r){
return r.left<x1&&x0<r.right&&r.top<y1&&y0<r.bottom;});}
// A phone's view, or a laptop's with data under its panels: the data fitted again into the
// room the title and (folded) panels leave. The first fit's zoom, when animated, starts on the
// next frame and would put the view back as it ends: the view is fitted again after it.
// The zoom may fall between two levels (a quarter), not halve the data's size.
function refit(){var fr=room(),snap=map.options.zoomSnap;map.options.zoomSnap=0.25;
map.fitBounds(M.fit,{paddingTopLeft:fr.tl.add([12,0]),paddingBottomRight:fr.br.add([12,0]),
animate:false});map.options.zoomSnap=snap;}
// The map is ready once its view is settled: after the last fit, not before it.
var settling=false;function settled(){reg.ready=true;}
if(M.fit&&(cramped||covered(L.latLngBounds(M.fit)))){refit();settling=true;
L.Util.requestAnimFrame(function(){if(map._animatingZoom){map.once('zoomend',function(){
refit();settled();});}else{settled();}});}
reg.highlight=L.featureGroup().addTo(map);
// Facility search: names matched here, from the payload; results and popups are text.
function fold(v){return String(v).normalize('NFKC').toLowerCase().replace(/\s+/g,' ').trim();}
var index=M.search.items.map(function(it){return {fid:it[0],name:it[1],tier:it[2],
key:fold(it[1])};});
reg.findFacilities=function(q){q=fold(q);if(!q){return [];}
return index.filter(function(it){return it.key.indexOf(q)>=0;}).slice(0,12);};
function mark(fid){var prev=reg.chosen&&reg.facilities[reg.chosen];
if(prev){prev.setZIndexOffset(prev._covZ);var ps=prev.getElement()&&prev.getElement()
.querySelector('svg');if(ps){ps.classList.remove('cov-chosen');}}
var mk=reg.facilities[fid];reg.chosen=fid;if(mk._covZ===undefined){mk._covZ=mk.options.zIndexOffset;}
mk.setZIndexOffset(100000);var sv=mk.getElement()&&mk.getElement().querySelector('svg');
if(sv){sv.classList.add('cov-chosen');}}
reg.chooseFacility=function(fid){fid=String(fid);var mk=reg.facilities[fid];if(!mk){return false;}
var g=reg.layers[facLayer[fid]];if(g&&!map.hasLayer(g)){map.addLayer(g);}
map.setView(mk.getLatLng(),Math.max(map.getZoom(),16),{animate:false});
// The layer control folds first, so that the popup pans into the room it leaves.
if(small){ctl.collapse();}mark(fid);mk.openPopup();reg.showCatchment(fid);return true;};
var sbox=el('div','cov-search'),sin=el('input'),slist=el('ul','cov-results');
sin.type='search';sin.placeholder=M.search.placeholder;sin.setAttribute('aria-label',
M.search.placeholder);sbox.appendChild(sin);sbox.appendChild(slist);
function results(){slist.textContent='';var q=sin.value;if(!fold(q)){return;}
var hits=reg.findFacilities(q);if(!hits.length){slist.appendChild(el('li','cov-none',
M.search.none));return;}
hits.forEach(function(h){var li=el('li','cov-result');li.tabIndex=0;li.setAttribute('data-fid',h.fid);
li.appendChild(el('span','cov-result-name',h.name));li.appendChild(el('span','cov-result-tier',h.tier));
var go=function(){reg.chooseFacility(h.fid);};li.addEventListener('click',go);
li.addEventListener('keydown',function(ev){if(ev.key==='Enter'){ev.preventDefault();go();}});
slist.appendChild(li);});}
sin.addEventListener('input',results);
sin.addEventListener('keydown',function(ev){if(ev.key==='Enter'){ev.preventDefault();
var first=slist.querySelector('li.cov-result');if(first){reg.chooseFacility(
first.getAttribute('data-fid'));}}});
if(index.length){ctl._section.insertBefore(sbox,ctl._section.firstChild);
L.DomEvent.disableClickPropagation(sbox);}
var colors=M.colors,front=M.front;
reg.clearCatchment=function(){reg.highlight.clearLayers();reg.selected=null;};
reg.showCatchment=function(fid){fid=String(fid);var fc=reg.catchments[fid];reg.clearCatchment();
if(!fc||!fc.features.length){return null;}
var c=colors[fid]||'#000';
var lyr=L.geoJSON(fc,{interactive:false,style:function(){return {color:'#111',weight:2.5,
fillColor:c,fillOpacity:0.18,dashArray:null};}}).addTo(reg.highlight);
reg.selected=fid;return lyr;};
Object.keys(reg.facilities).forEach(function(fid){
reg.facilities[fid].on('click',function(){mark(fid);reg.showCatchment(fid);});});
// Clicks on markers, worker points and boundaries do not bubble: this is the background.
map.on('click',function(){reg.clearCatchment();});
// Catchment layers switched on later would be drawn over the worker points on the shared
// canvas: lift the points (and the highlight) back on top.
function raise(){front.forEach(function(k){var l=reg.layers[k];
if(l&&map.hasLayer(l)){l.bringToFront();}});reg.highlight.bringToFront();}
map.on('overlayadd',raise);
if(!settling){settled();}
