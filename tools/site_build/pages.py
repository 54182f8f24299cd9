"""The pages learners open first: the landing page, and the app view's pages made to work from any folder.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import tarfile
import time
from pathlib import Path

import nbformat

from .context import BuildContext, BuildError, log
from .fetch import npm_fetch
from .pins import DISCLAIMER, FONTAWESOME_NPM, PYODIDE_VERSION, ROOT, SITE_TITLE, STORAGE_PREFIX

#: the BroadcastChannel on which the landing page's Reset tells the course's open pages to go
RESET_CHANNEL = "ketamine-routes-lab:reset"


def install_fontawesome(out: Path, cache: Path) -> list[dict]:
    """Serve Font Awesome 5 (CSS + woff2/woff fonts) from the site instead of Voici's CDN link."""
    name, version, integrity = FONTAWESOME_NPM
    tgz = npm_fetch(name, version, integrity, cache / "npm")
    dest = out / "static" / "fontawesome"
    with tarfile.open(tgz) as tar:
        for m in tar.getmembers():
            rel = m.name.split("/", 1)[1]
            if m.isfile() and (rel in ("css/all.min.css", "css/v4-shims.min.css", "LICENSE.txt")
                               or (rel.startswith("webfonts/") and rel.endswith((".woff2", ".woff")))):
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(m).read())
    return [{"file": "static/fontawesome/", "source": f"npm {name}@{version}", "verified": "pinned npm sha512"}]


def notebook_title(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("#"):
                    return re.sub(r"^\d+\s*[·:.-]\s*", "", line.lstrip("#").strip())
    return path.stem.replace("_", " ")


LANDING = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="favicon.ico">
<link rel="manifest" href="manifest.webmanifest">
<meta name="theme-color" content="#0b5394">
<!-- JupyterLite's child pages read this element from the root index.html: keep it, keep it empty -->
<script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">{{}}</script>
<style>
body {{font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0;
  color: #1d1d1d; background: #fafafa; line-height: 1.45; font-size: 16px;}}
main {{max-width: 980px; margin: 0 auto; padding: 16px 16px 40px;}}
h1 {{margin: 8px 0 4px; font-size: 1.7rem;}}
h2 {{font-size: 1.2rem; margin: 24px 0 6px;}}
.krl-banner {{background: #fff3cd; border: 1px solid #b58900; color: #3d2f00; padding: 8px 12px;
  border-radius: 4px; font-weight: bold; margin: 12px 0;}}
.krl-notice {{background: #e8f0fa; border: 1px solid #0b5394; padding: 8px 12px; border-radius: 4px;}}
table {{border-collapse: collapse; width: 100%; background: #fff;}}
th, td {{text-align: left; padding: 7px 10px; border-bottom: 1px solid #ddd; vertical-align: middle;}}
th {{background: #f0f0f0;}}
a {{color: #0b5394;}}
a.krl-btn, button.krl-btn {{display: inline-block; min-height: 40px; box-sizing: border-box; padding: 8px 12px;
  border: 1px solid #0b5394; border-radius: 6px; text-decoration: none; background: #fff; color: #0b5394;
  font-size: 1rem; line-height: 1.3; cursor: pointer; margin: 2px 0;}}
a.krl-btn:hover, button.krl-btn:hover, a.krl-btn:focus, button.krl-btn:focus {{background: #e8f0fa;}}
button.krl-btn[disabled] {{opacity: 0.6; cursor: default;}}
.krl-small {{font-size: 0.9rem; color: #444;}}
.krl-status {{font-weight: bold; margin-left: 8px;}}
progress {{width: min(100%, 420px); height: 14px; vertical-align: middle;}}
/* phones: each lesson a block, its two buttons side by side under its title */
@media (max-width: 640px) {{
  h1 {{font-size: 1.4rem;}}
  thead {{display: none;}}
  table, tbody, tr, td {{display: block; width: auto;}}
  tr {{padding: 8px 0; border-bottom: 1px solid #ddd;}}
  td {{border: 0; padding: 2px 8px;}}
  td.krl-num {{display: none;}}
  td.krl-title {{font-weight: bold;}}
  td.krl-view {{display: inline-block;}}
}}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="krl-banner">{disclaimer}</p>
<p>Every lesson runs in your browser: nothing to install, and nothing you type is sent anywhere. A lesson shows
a picture of itself at once and becomes live when Python has started in the browser (a few seconds; longer the
first time, and on an older phone).</p>
<p class="krl-notice" id="krl-which-view"><b>Which view?</b> <b>App view</b>: the lesson with its code hidden, run for
you: use it on a <b>phone or tablet</b>, and on a projector. <b>Notebook</b>: the same lesson with its code, to read
and change it (press <i>Run &rarr; Run All Cells</i>): it needs a keyboard and a wider screen.</p>
<table>
<thead><tr><th>#</th><th>Lesson</th><th>App view (code hidden)</th><th>Notebook (code)</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>

<h2 id="krl-prepare-heading">Before class: prepare this device</h2>
<p>The first lesson opened on a device downloads Python and its packages into this browser ({python_note});
later lessons and visits reuse them. On a shared classroom Wi-Fi, thirty devices doing this at the same moment
wait for each other. <b>Prepare this device</b> downloads the whole course now ({all_mb} MB before
compression), once, so that every lesson then opens without the network, even offline.</p>
<p><button class="krl-btn" id="krl-prepare" type="button">Prepare this device</button>
<progress id="krl-prepare-progress" max="1" value="0" hidden></progress>
<span id="krl-prepare-status" class="krl-status" role="status" aria-live="polite"></span></p>

<h2>Your answers</h2>
<p id="krl-storage-note">Your predictions and answers in every lesson, and the explorer's settings, are kept in
this browser's own storage, on this device only (another browser or device does not see them), and are back when
you open the lesson again. So is what you change in the Notebook view (code, notes and outputs, saved every two
minutes and with Ctrl+S). <b>My answers</b> downloads a file of your answers in every lesson (lesson, question,
prediction, answer, result, time) to keep or hand in. <b>Reset</b> deletes everything this browser kept for the
course and brings back the original notebooks.</p>
<p><button class="krl-btn" id="krl-my-answers" type="button">My answers (CSV file)</button>
<span id="krl-answers-status" class="krl-status" role="status" aria-live="polite"></span></p>
<p id="krl-reset-elsewhere" class="krl-notice" hidden>The course was reset from another tab: its lessons start
afresh.</p>
<p class="krl-small">Each release of the course keeps your notebook edits separately (this one: <code>{release}</code>);
your answers to questions that are still in a new release are kept.</p>
<p id="krl-old-release" class="krl-notice" hidden>This browser still holds your notebook edits from an earlier release
of the course. This release starts from the original notebooks; press Reset to delete the old copies.</p>
<p><button class="krl-btn" id="krl-reset" type="button">Reset: back to the original course</button>
<span id="krl-reset-status" class="krl-status" role="status" aria-live="polite"></span></p>
<p class="krl-small">Full JupyterLab interface: <a href="lab/index.html">lab/</a> &middot; file list:
<a href="tree/index.html">tree/</a>. Course {version}, built {built} with JupyterLite {jl} and Pyodide {pyodide}.</p>
<p class="krl-banner">{disclaimer}</p>
</main>
<script>
(function () {{
  var PREFIX = {prefix}, CURRENT = {current}, EXPORT = {export_prefix}, RESET_AT = {reset_key},
      RESET_CHANNEL = {reset_channel}, DISCLAIMER = {disclaimer_js}, SW_VERSION = {sw_version};
  var $ = function (id) {{ return document.getElementById(id); }};
  if (location.search.indexOf("reset-elsewhere") >= 0) {{ $("krl-reset-elsewhere").hidden = false; }}

  // the site's service worker, under the very URL JupyterLite's apps register (offline.py), with the version
  // key their manager checks set first, so that the apps keep it instead of unregistering it
  var worker = new URL("service-worker.js?enableCache=false", location.href).href;
  var registered = null;
  if ("serviceWorker" in navigator) {{
    try {{ localStorage.setItem(worker + "-version", SW_VERSION); }}
    catch (e) {{ /* storage off: the apps re-register */ }}
    registered = navigator.serviceWorker.register(worker)
      .then(function () {{ return navigator.serviceWorker.ready; }});
    registered.then(function (reg) {{ reg.active.postMessage({{type: "krl-idle"}}); }}).catch(function () {{}});
  }} else {{
    $("krl-prepare").disabled = true;
    $("krl-prepare-status").textContent = "This browser cannot keep the course for offline use (private window?).";
  }}

  $("krl-prepare").addEventListener("click", function () {{
    if (!registered) {{ return; }}
    var bar = $("krl-prepare-progress"), status = $("krl-prepare-status");
    $("krl-prepare").disabled = true;
    bar.hidden = false;
    status.textContent = "Starting...";
    if (navigator.storage && navigator.storage.persist) {{ navigator.storage.persist(); }}
    navigator.serviceWorker.addEventListener("message", function (event) {{
      var m = event.data || {{}};
      if (m.type !== "krl-offline") {{ return; }}
      if (m.error) {{
        status.textContent = "Stopped: " + m.error + ". Check the connection and press again.";
        $("krl-prepare").disabled = false;
        return;
      }}
      bar.max = m.totalBytes; bar.value = m.bytes;
      status.textContent = m.done === m.total ? "Ready: every lesson now opens on this device without the network."
        : "Downloading: " + (m.bytes / 1e6).toFixed(0) + " of " + (m.totalBytes / 1e6).toFixed(0) + " MB";
    }});
    registered.then(function (reg) {{ reg.active.postMessage({{type: "krl-prepare"}}); }});
  }});

  // My answers: the rows every lesson wrote beside its answers (helpers/lessons/store.py), as one CSV file
  function cell(value) {{
    var text = String(value === undefined || value === null ? "" : value);
    return /[",\\n\\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }}
  function answerTables() {{
    return Object.keys(localStorage).filter(function (k) {{ return k.indexOf(EXPORT) === 0; }}).sort()
      .map(function (k) {{ try {{ return JSON.parse(localStorage.getItem(k)); }} catch (e) {{ return null; }} }})
      .filter(function (t) {{ return t && t.columns && t.rows; }});
  }}
  function countAnswers() {{
    var n = answerTables().reduce(function (sum, t) {{ return sum + t.rows.length; }}, 0);
    $("krl-answers-status").textContent = n ? n + " answers kept in " + answerTables().length + " lessons."
      : "No answers kept yet.";
    return n;
  }}
  countAnswers();
  window.addEventListener("storage", countAnswers);
  $("krl-my-answers").addEventListener("click", function () {{
    var tables = answerTables();
    if (!countAnswers()) {{ return; }}
    var lines = ["# Ketamine Routes Lab: my answers, all lessons", "# " + DISCLAIMER,
                 tables[0].columns.map(cell).join(",")];
    tables.forEach(function (t) {{ t.rows.forEach(function (r) {{ lines.push(r.map(cell).join(",")); }}); }});
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([lines.join("\\n") + "\\n"], {{type: "text/csv"}}));
    link.download = "my-answers-ketamine-routes-lab.csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }});

  // Reset: every open page of the course goes first (an open lesson would write its answers back; an open
  // notebook keeps its database from being deleted), then this browser's storage of the course goes
  async function courseDatabases() {{
    var names = [CURRENT + "-contents", CURRENT + "-settings", CURRENT + "-workspaces"];
    try {{
      if (indexedDB.databases) {{
        (await indexedDB.databases()).forEach(function (db) {{
          if (db.name && db.name.indexOf(PREFIX + "-") === 0 && names.indexOf(db.name) < 0) {{ names.push(db.name); }}
        }});
      }}
    }} catch (e) {{ /* older browsers: the current release's names are enough */ }}
    return names;
  }}
  (async function () {{
    var old = (await courseDatabases()).filter(function (n) {{ return n.indexOf(CURRENT + "-") !== 0; }});
    $("krl-old-release").hidden = old.length === 0;
  }})();
  function remove(name) {{
    return new Promise(function (resolve) {{
      var req = indexedDB.deleteDatabase(name);
      req.onsuccess = function () {{ resolve("deleted"); }};
      req.onerror = function () {{ resolve("error"); }};
      req.onblocked = function () {{ resolve("blocked"); }};
    }});
  }}
  $("krl-reset").addEventListener("click", async function () {{
    if (!window.confirm("Delete your answers and your edits to every lesson of this course in this browser?")) {{
      return;
    }}
    var status = $("krl-reset-status");
    status.textContent = "Resetting...";
    try {{ new BroadcastChannel(RESET_CHANNEL).postMessage("reset"); }} catch (e) {{ /* no other tabs told */ }}
    Object.keys(localStorage).forEach(function (k) {{
      if (k.indexOf(PREFIX) === 0) {{ localStorage.removeItem(k); }}
    }});
    localStorage.setItem(RESET_AT, String(Date.now()));   // a page that missed the message stops saving
    await new Promise(function (r) {{ setTimeout(r, 500); }});   // the other tabs close their databases
    var results = await Promise.all((await courseDatabases()).map(remove));
    countAnswers();
    if (results.indexOf("blocked") >= 0) {{
      status.textContent = "Your answers are deleted; close the other tabs of this course to finish deleting the "
        + "notebook edits.";
    }} else {{
      status.textContent = "Done: the course is back to its original state.";
      $("krl-old-release").hidden = true;
    }}
  }});
}})();
</script>
</body>
</html>
"""


def write_landing(out: Path, notebooks: list[Path], jl_version: str, version: str, storage: str,
                  release: str, sizes: dict[str, str]) -> None:
    rows = []
    for nb in notebooks:
        q = html.escape(nb.name, quote=True)
        title = html.escape(notebook_title(nb))
        rows.append(
            f'<tr><td class="krl-num">{html.escape(nb.stem.split("_")[0])}</td><td class="krl-title">{title}</td>'
            f'<td class="krl-view"><a class="krl-btn krl-app" href="voici/render/{html.escape(nb.stem, quote=True)}'
            f'.html" aria-label="App view: {title}">App view</a></td>'
            f'<td class="krl-view"><a class="krl-btn krl-nb" href="notebooks/index.html?path={q}" '
            f'aria-label="Notebook: {title}">Notebook</a></td></tr>')
    built = time.strftime("%Y-%m-%d", time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))))
    store = store_names()
    (out / "index.html").write_text(LANDING.format(
        title=html.escape(SITE_TITLE), disclaimer=html.escape(DISCLAIMER), rows="\n".join(rows),
        prefix=json.dumps(STORAGE_PREFIX), current=json.dumps(storage), release=html.escape(release),
        version=html.escape(version), built=built, jl=jl_version, pyodide=PYODIDE_VERSION,
        export_prefix=json.dumps(store["BROWSER_EXPORT_PREFIX"]), reset_key=json.dumps(store["RESET_KEY"]),
        reset_channel=json.dumps(RESET_CHANNEL), disclaimer_js=json.dumps(DISCLAIMER),
        sw_version=json.dumps(jl_version), **sizes), encoding="utf-8")


def store_names() -> dict[str, str]:
    """The browser-storage names the lessons use (helpers/lessons/store.py), read from its source: the
    build's own venv does not have the course's dependencies."""
    import ast

    tree = ast.parse((ROOT / "helpers" / "lessons" / "store.py").read_text(encoding="utf-8"))
    names = {t.id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name) and isinstance(node.value, ast.Constant)}
    for wanted in ("BROWSER_KEY_PREFIX", "BROWSER_EXPORT_PREFIX", "RESET_KEY"):
        if not str(names.get(wanted, "")).startswith(STORAGE_PREFIX):
            raise BuildError(f"helpers/lessons/store.py: {wanted} must start with {STORAGE_PREFIX!r} (Reset "
                             "deletes the keys with that prefix)")
    return names


# ----------------------------------------------------------------------------- voici fix-ups
def fix_voici_pages(out: Path) -> int:
    """Voici 0.9.0 writes baseUrl "/" and "./"-relative kernel URLs into each rendered page, which
    resolve under /voici/render/ (404) and break any deployment below the site root. Make them
    relative to the page's own location instead (render pages are two levels below the root)."""
    fixed = 0
    for page in sorted((out / "voici").rglob("*.html")):
        depth = len(page.relative_to(out).parts) - 1
        up = "../" * depth
        text = page.read_text(encoding="utf-8")
        new = text
        new = new.replace('"baseUrl": "/"', f'"baseUrl": "{up}"')
        new = new.replace(f"{out.name}/files/", "files/")     # the tree page shows the build folder's name
        new = re.sub(r'"\./(static/pyodide/|pypi/|extensions/|api/|build/|files/)', rf'"{up}\1', new)
        new = re.sub(r'https://cdn\.jsdelivr\.net/npm/@fortawesome/fontawesome-free@[^/"]+/css/',
                     f"{up}static/fontawesome/css/", new)
        if new != text:
            page.write_text(new, encoding="utf-8")
            fixed += 1
    return fixed


#: In the head of every page of the apps (lab, notebooks, tree, each lesson's app view), before their scripts:
#: the service worker's version key their manager checks (else a second visit unregisters the site's worker);
#: the landing page's Reset makes the page go (an open lesson would write its answers back, an open notebook
#: keeps its database from being deleted); once the page is idle (a lesson live, or 30 s), the service
#: worker may fetch the other lessons' small files (offline.py).
COURSE_PAGE_SCRIPT = """<script id="krl-course-page">
(function () {
  var root = new URL(%(root)s, location.href);
  try {
    localStorage.setItem(new URL("service-worker.js?enableCache=false", root).href + "-version", %(version)s);
  } catch (e) { /* storage off: JupyterLite re-registers its worker, nothing else changes */ }
  try {
    new BroadcastChannel(%(channel)s).onmessage = function () {
      location.replace(new URL("index.html?reset-elsewhere", root).href);
    };
  } catch (e) { /* old browser: the lesson notices the reset itself and stops saving */ }
  // Slider handles get their slider's label as their accessible name (screen readers, touch automation).
  var naming = false;
  function nameHandles() {
    naming = false;
    document.querySelectorAll(".widget-slider .noUi-handle:not([aria-label])").forEach(function (handle) {
      var label = handle.closest(".widget-slider").querySelector(".widget-label");
      if (label && label.textContent.trim()) { handle.setAttribute("aria-label", label.textContent.trim()); }
    });
  }
  new MutationObserver(function () {
    if (!naming) { naming = true; requestAnimationFrame(nameHandles); }
  }).observe(document.documentElement, {childList: true, subtree: true});
  var started = Date.now(), timer = setInterval(function () {
    var live = document.readyState === "complete" && !document.getElementById("loading");
    if (!(live && (document.getElementById("rendered_cells") || Date.now() - started > 30000))) { return; }
    clearInterval(timer);
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({type: "krl-idle"});
    }
  }, 1000);
})();
</script>"""


def course_pages(out: Path, jl_version: str) -> int:
    """Put :data:`COURSE_PAGE_SCRIPT` first in the head of every app page; returns how many."""
    pages = [p for app in ("lab", "notebooks", "tree") for p in [out / app / "index.html"] if p.exists()]
    pages += sorted((out / "voici").rglob("*.html"))
    for page in pages:
        root = "../" * (len(page.relative_to(out).parts) - 1)
        text = page.read_text(encoding="utf-8")
        script = COURSE_PAGE_SCRIPT % {"root": json.dumps(root), "version": json.dumps(jl_version),
                                       "channel": json.dumps(RESET_CHANNEL)}
        if "<head>" not in text:
            raise BuildError(f"{page.relative_to(out)} has no <head> to put the course's page script in")
        page.write_text(text.replace("<head>", "<head>\n" + script, 1), encoding="utf-8")
    return len(pages)


def finish_pages(ctx: BuildContext) -> int:
    """Step: Font Awesome served locally, the app view's pages fixed, the landing page, the favicon and the
    file that keeps GitHub Pages from altering the site. Returns the number of pages fixed."""
    ctx.manifest += install_fontawesome(ctx.stage, ctx.cache)
    fixed = fix_voici_pages(ctx.stage)
    def megabytes(*folders: str) -> float:
        roots = [ctx.stage / f for f in folders] if folders else [ctx.stage]
        return sum(p.stat().st_size for r in roots for p in r.rglob("*") if p.is_file()) / 1e6
    sizes = {"python_note": f"{megabytes('static/pyodide', 'pypi'):.0f} MB before compression"
             if ctx.options.offline else "from the public Pyodide CDN", "all_mb": f"{megabytes():.0f}"}
    write_landing(ctx.stage, ctx.notebooks, ctx.tools["jupyterlite-core"], ctx.project["version"], ctx.storage,
                  ctx.release, sizes)
    n_pages = course_pages(ctx.stage, ctx.tools["jupyterlite-core"])
    log(f"course page script in {n_pages} app pages")
    shutil.copy2(ctx.stage / "lab" / "favicon.ico", ctx.stage / "favicon.ico")   # browsers ask for /favicon.ico
    (ctx.stage / ".nojekyll").write_text("")      # GitHub Pages: serve the files as they are (no Jekyll)
    ctx.manifest.append({"file": "index.html", "source": "generated by build_site.py (landing page)"})
    return fixed


#: Shown at once on every app page: the lesson (markdown as it is, each code cell's first picture in its
#: place) with a bar saying Python is starting; each cell's live output replaces its picture as it arrives
#: (CSS alone: the picture hides once the cell has an output), and the bar goes when every cell has run.
FIRST_PICTURE_HEAD = """<style id="krl-first-picture-style">
#rendered_cells {display: block !important;}
/* the picture where the live output will be, to the pixel on a desktop screen (tests/test_site_learner.py):
   the live page has no body margin, and JupyterLab's widget boxes add these few pixels around the bar and
   the explorer */
body:has(#loading) {margin: 0;}
.krl-first-picture .krl-lesson-bar {box-sizing: border-box; min-height: 68px; margin: 9px 0 8px 0;}
.krl-first-picture .krl-app {padding-top: 7px;}
.krl-first-picture .krl-app .krl-banner {margin: 0 2px 4px 2px; box-sizing: border-box; min-height: 26px;}
.krl-first-picture .krl-app .krl-body {margin-top: 6px;}
.krl-first-picture .krl-app .krl-plot-frame {padding-top: 2px;}
body:has(#loading) #main {display: none !important;}   /* Voici's empty app shell covers the page until live */
#loading {position: fixed !important; left: 0; right: 0; bottom: 0; top: auto; height: auto !important;
  width: auto; display: flex !important; flex-direction: row; align-items: center; justify-content: center;
  gap: 10px; padding: 6px 12px; background: #0b5394; color: #fff; z-index: 1000; font-size: 15px;}
#loading .spinner-container {width: 22px; height: 22px; flex: 0 0 22px;}
#loading .spinner-container svg {width: 22px; height: 22px;}
#loading h2 {font-size: 15px; margin: 0; font-weight: normal; color: #fff;}
#loading::before {content: "Starting Python in your browser: until then this lesson is a picture.";
  font-weight: bold;}
.jp-Cell.jp-CodeCell:has(> .krl-first-picture) {display: block !important;}
.krl-first-picture {pointer-events: none; user-select: none;}
.jp-Cell:has(> .jp-Cell-outputWrapper) > .krl-first-picture {display: none;}
body {padding-bottom: 40px;}
/* a phone: the lesson's code words and wide tables stay inside the screen */
@media (max-width: 900px) {
  .jp-RenderedHTMLCommon code, .jp-RenderedHTMLCommon pre {white-space: pre-wrap; overflow-wrap: anywhere;}
  .jp-RenderedHTMLCommon table {display: block; max-width: 100%; overflow-x: auto;}
}
</style>"""


def _picture_html(outputs: list[dict]) -> str:
    parts = []
    for output in outputs:
        data = output.get("data", {})
        if "text/html" in data:
            parts.append(data["text/html"])
        elif "image/png" in data:
            parts.append(f"<img alt='a figure of the lesson' src='data:image/png;base64,{data['image/png']}' "
                         "style='max-width:100%'>")
        elif "image/svg+xml" in data:
            parts.append(data["image/svg+xml"])
        elif output.get("output_type") == "stream":
            parts.append(f"<pre class='krl-still-text'>{html.escape(output.get('text', ''))}</pre>")
    return "".join(parts)


def first_pictures(ctx: BuildContext) -> int:
    """Step: every lesson shows at once what it looks like at the start, drawn at build time by the course's
    own code from the same model (tools/execute_notebooks.py --snapshots): in the app view, each code cell's
    picture sits where its live output will appear; in the notebook view, the pictures are the notebook's
    saved outputs until the learner runs it (no answer is ever among them). Returns the lessons done."""
    if ctx.snapshots is None:
        log("no --snapshots: the app pages show Voici's spinner until Python is live")
        return 0
    done = 0
    for nb in ctx.notebooks:
        found = ctx.snapshots / f"{nb.stem}.json"
        if not found.exists():
            raise BuildError(f"{found} is missing: run tools/execute_notebooks.py --snapshots {ctx.snapshots}")
        cells = json.loads(found.read_text(encoding="utf-8"))["cells"]
        page = ctx.stage / "voici" / "render" / f"{nb.stem}.html"
        text = page.read_text(encoding="utf-8")

        def insert(match, cells=cells):
            picture = _picture_html(cells.get(str(int(match.group(1)) - 1), []))
            return match.group(0) + (f"<div class='krl-first-picture' aria-hidden='true'>{picture}</div>"
                                     if picture else "")
        text, n = re.subn(r'<div cell-index="(\d+)">\s*<script>[^<]*</script>\s*<div id="cell-id=[^"]*" '
                          r'class="jp-Cell jp-CodeCell[^"]*">', insert, text)
        text = text.replace("</head>", FIRST_PICTURE_HEAD + "\n</head>", 1)
        page.write_text(text, encoding="utf-8")
        contents = ctx.stage / "files" / nb.name
        notebook = nbformat.read(contents, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                cell.outputs = [nbformat.from_dict(o) for o in cells.get(str(index), [])]
        with open(contents, "w", encoding="utf-8") as handle:
            nbformat.write(notebook, handle, split_lines=False)
        done += 1
        if n == 0:
            raise BuildError(f"{page.name}: no code cell found to put the first picture in (Voici changed?)")
    log(f"first pictures: {done} lessons")
    return done
