/**
 * The dashboard's whole stylesheet, hand-written and served as one file. Colour is never the
 * only signal: every state has its word and its icon; colour only repeats them.
 */
export const stylesheet = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --panel: #f6f8fa;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --run: #0969da; --focus: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: baseline; padding: .75rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top h1 { font-size: 1.1rem; margin: 0; }
header.top nav a { margin-right: 1rem; }
header.top form.person { margin-left: auto; display: flex; gap: .5rem; align-items: baseline; }
input[type=password] { font: inherit; padding: .4rem; width: min(40rem, 100%); display: block; margin: .25rem 0 .75rem; }
main { padding: 1rem; max-width: 1400px; }
a { color: var(--run); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .25rem .5rem; z-index: 2; }
h2 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
.muted { color: var(--muted); }
.warning { color: var(--warn); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85em; }
.locks { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 1rem; padding: 0; list-style: none; }
.locks li { border: 1px solid var(--line); border-radius: 6px; padding: .35rem .6rem; background: var(--panel); }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .5rem .6rem; border-bottom: 1px solid var(--line); }
thead th { background: var(--panel); position: sticky; top: 0; }
tbody th { position: sticky; left: 0; background: var(--bg); min-width: 8rem; }
td.cell { min-width: 13rem; }
.version { font-weight: 600; }
.state { display: inline-block; font-weight: 600; }
.state.deployed { color: var(--ok); } .state.failed { color: var(--bad); } .state.rolled-back { color: var(--warn); }
.state.in-progress, .state.running { color: var(--run); } .state.unchanged, .state.pending { color: var(--muted); }
.state.skipped { color: var(--warn); } .state.interrupted { color: var(--warn); } .state.never { color: var(--muted); }
.flag { display: block; font-size: .85em; }
.flag.drift { color: var(--warn); } .flag.ok { color: var(--ok); } .flag.missing { color: var(--bad); }
td.cell.differs { box-shadow: inset 4px 0 0 var(--warn); background: #fff8e5; }
th[scope=colgroup] { text-align: center; border-left: 2px solid var(--line); border-right: 2px solid var(--line); }
.fleet-deploy { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .8rem; margin: 0 0 1rem; }
.fleet-deploy h3 { font-size: 1rem; margin: .3rem 0; display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.fleet-deploy p { margin: .2rem 0; }
ol.waves { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; margin: .4rem 0; }
li.wave { border: 2px solid var(--line); border-radius: 6px; padding: .3rem .6rem; min-width: 14rem; }
li.wave[data-wave-state=done] { border-color: var(--ok); } li.wave[data-wave-state=stopped] { border-color: var(--bad); }
li.wave[data-wave-state=deploying], li.wave[data-wave-state=baking] { border-color: var(--run); border-style: dashed; }
ul.wave-clusters { list-style: none; padding: 0; margin: .2rem 0; }
ul.wave-clusters .muted { display: block; font-size: .85em; }
.error { color: var(--bad); border: 1px solid var(--bad); border-radius: 6px; padding: .5rem .75rem; background: #fff5f5; }
.notice { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; background: var(--panel); }
.said { white-space: pre-wrap; }
ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline > li { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; margin-bottom: .75rem; }
.entry-head { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: baseline; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: .5rem 0 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul.checks { margin: .25rem 0; padding-left: 1.1rem; }
.failure { border: 1px solid var(--bad); border-radius: 6px; padding: .4rem .75rem; margin: .4rem 0; }
ul.evidence { margin: .25rem 0; padding-left: 1.1rem; overflow-wrap: anywhere; }
form.inline { display: inline; }
button, .button { font: inherit; padding: .4rem .8rem; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--fg); cursor: pointer; text-decoration: none; display: inline-block; }
button.danger { border-color: var(--bad); color: var(--bad); }
button.primary { border-color: var(--run); background: var(--run); color: #fff; }
label { display: block; margin: .5rem 0 .25rem; font-weight: 600; }
input[type=text], textarea, select { font: inherit; width: 100%; max-width: 36rem; padding: .4rem; border: 1px solid var(--line); border-radius: 6px; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .5rem; align-items: center; }
.actions label { display: inline; margin: 0; }
.actions select { width: auto; }
.diff { overflow-wrap: anywhere; }
.diff .add { color: var(--ok); } .diff .del { color: var(--bad); }
.graph { display: flex; flex-wrap: wrap; gap: .4rem; align-items: stretch; margin: .4rem 0; }
.step { border: 2px solid var(--line); border-radius: 6px; padding: .3rem .5rem; min-width: 8rem; background: var(--bg); }
.step.done { border-color: var(--ok); } .step.failed { border-color: var(--bad); background: #fff5f5; }
.step.running { border-color: var(--run); border-style: dashed; } .step.skipped { border-color: var(--warn); }
.step.pending { color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.service-progress { border-top: 1px solid var(--line); padding: .4rem 0; }
.service-progress h3 { font-size: 1rem; margin: .3rem 0; display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
ol.graph { list-style: none; padding: 0; }
.step::after { content: ""; }
.step .name { font-weight: 600; display: block; }
.canary h3 { font-size: 1rem; margin: .6rem 0 .3rem; } .canary h4 { font-size: .95rem; margin: .8rem 0 .3rem; }
pre.log { background: #0d1117; color: #e6edf3; padding: .5rem; border-radius: 6px; overflow-x: auto; max-height: 20rem; font-size: .8em; }
pre.detail, details pre { background: var(--panel); padding: .5rem; border: 1px solid var(--line); border-radius: 6px; overflow: auto; max-height: 30rem; font-size: .8em; }
@media (max-width: 600px) {
  main { padding: .5rem; }
  td.cell { min-width: 10.5rem; }
  tbody th { min-width: 6rem; }
  dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .3rem; }
}
`;
