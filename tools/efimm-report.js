/*
 * tools/efimm-report.js - draws the report page from its embedded data
 * (inlined by tools/efimm-report; nothing is fetched).  Every drawn
 * element carries data-* attributes (type, start, end, perm, rule,
 * result) so that a test can read the rendered page back.
 */
"use strict";

const DATA = JSON.parse(document.getElementById("data").textContent);
const PAGE = 4096;
const KNOWN_TYPES = ["Available", "BS_Code", "BS_Data", "RT_Code", "RT_Data",
	"LoaderCode", "LoaderData", "Reserved", "ACPI_Recl", "ACPI_NVS", "MMIO",
	"MMIO_Port", "Unusable"];
const PERMS = ["RW+NX", "RO+X", "RO+NX", "W+X"];
const VIEW_ROWS = 200;

/* An element with attributes (data-* and the rest) and children. */
function el(tag, attrs, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {}))
		if (k === "text")
			e.textContent = v;
		else
			e.setAttribute(k, v);
	for (const k of kids)
		e.append(k);
	return e;
}

function hex(n) {
	return "0x" + n.toString(16);
}

/* Bytes as the ptdump SIZE column writes them. */
function size(bytes) {
	const units = [["T", 2 ** 40], ["G", 2 ** 30], ["M", 2 ** 20], ["K", 1024]];
	for (const [u, n] of units)
		if (bytes >= n && bytes % n === 0)
			return bytes / n + u;
	return bytes >= 1024 ? Math.round(bytes / 1024) + "K" : bytes + "B";
}

function typeClass(t) {
	return "t-" + (KNOWN_TYPES.includes(t) ? t : "other");
}

function table(head, rows) {
	return el("table", {}, el("tr", {}, ...head.map(h => el("th", { text: h }))), ...rows);
}

/* The physical map: one block per descriptor (width by the log of its
 * size, so that small ranges stay visible), then the pages of each type. */
function physmap(s) {
	const regions = s.memmap.slice().sort((a, b) => a.start - b.start);
	const bar = el("div", { class: "physmap" });
	const totals = new Map();
	for (const r of regions) {
		const end = r.start + r.pages * PAGE;
		bar.append(el("div", {
			class: "region " + typeClass(r.type), "data-type": r.type,
			"data-start": r.start, "data-end": end,
			title: `${r.type} ${hex(r.start)}-${hex(end - 1)} (${size(r.pages * PAGE)})`,
			style: `flex-grow: ${Math.log2(r.pages + 1) + 1}`,
		}));
		const t = totals.get(r.type) || { regions: 0, pages: 0 };
		t.regions++;
		t.pages += r.pages;
		totals.set(r.type, t);
	}
	const rows = [...totals.entries()].sort((a, b) => b[1].pages - a[1].pages).map(([t, c]) =>
		el("tr", { class: "type-count", "data-type": t, "data-regions": c.regions, "data-pages": c.pages },
			el("td", {}, el("span", { class: "swatch " + typeClass(t) }), " " + t),
			el("td", { class: "num", text: c.regions }), el("td", { class: "num", text: c.pages }),
			el("td", { class: "num", text: size(c.pages * PAGE) })));
	return el("div", {}, el("h3", { text: "Physical memory map (by type)" }), bar,
		table(["type", "regions", "pages", "size"], rows));
}

/* The zoom a page address asks for: "#firmware=0xLO-0xHI&efimm=..." gives
 * {firmware: [lo, hi], ...} (hi exclusive). */
function hashZoom() {
	const out = {};
	for (const part of location.hash.replace(/^#/, "").split("&")) {
		const m = /^(\w+)=0x([0-9a-f]+)-0x([0-9a-f]+)$/i.exec(part);
		if (m)
			out[m[1]] = [parseInt(m[2], 16), parseInt(m[3], 16)];
	}
	return out;
}
const ZOOM = hashZoom();

/* One address-space view: a bar of runs by permission between lo and hi,
 * zoomed by the inputs or by a click on a run, and the runs in view. */
function vaView(title, runs, name) {
	const maxEnd = runs.reduce((m, r) => Math.max(m, r.end), PAGE);
	const box = el("div", { class: "va", "data-table": name });
	const [lo0, hi0] = ZOOM[name] || [0, maxEnd];
	const lo = el("input", { class: "lo", value: hex(lo0) });
	const hi = el("input", { class: "hi", value: hex(hi0) });
	const bar = el("div", { class: "vabar" });
	const info = el("p", { class: "va-info" });
	const list = el("div", {});
	const draw = () => {
		const a = parseInt(lo.value, 16), b = parseInt(hi.value, 16);
		if (!(b > a))
			return;
		bar.replaceChildren();
		const shown = runs.filter(r => r.end > a && r.start < b);
		let wx = 0;
		for (const r of shown) {
			const s = Math.max(r.start, a), e = Math.min(r.end, b);
			if (r.perm === "W+X")
				wx += (e - s) / PAGE;
			const seg = el("div", {
				class: "va-seg perm-" + r.perm, "data-perm": r.perm,
				"data-start": r.start, "data-end": r.end,
				title: `${hex(r.start)}-${hex(r.end - 1)} ${r.perm} (${size(r.end - r.start)})`,
				style: `left: ${(s - a) / (b - a) * 100}%; width: ${(e - s) / (b - a) * 100}%`,
			});
			seg.addEventListener("click", () => {
				lo.value = hex(r.start);
				hi.value = hex(r.end);
				draw();
			});
			bar.append(seg);
		}
		box.setAttribute("data-lo", a);
		box.setAttribute("data-hi", b);
		info.replaceChildren(`${shown.length} runs in ${hex(a)}-${hex(b - 1)}; `,
			el("span", { class: "wx-count" + (wx ? " wx" : ""), "data-pages": wx, text: `${wx} W+X pages` }));
		list.replaceChildren(table(["start", "end", "size", "permission"],
			shown.slice(0, VIEW_ROWS).map(r => el("tr", { class: "va-run", "data-perm": r.perm },
				el("td", { class: "mono", text: hex(r.start) }), el("td", { class: "mono", text: hex(r.end - 1) }),
				el("td", { class: "num", text: size(r.end - r.start) }),
				el("td", { class: r.perm === "W+X" ? "wx" : "", text: r.perm })))));
	};
	const zoom = el("button", { class: "zoom-button", text: "zoom" });
	const reset = el("button", { class: "reset-button", text: "whole space" });
	zoom.addEventListener("click", draw);
	reset.addEventListener("click", () => { lo.value = hex(0); hi.value = hex(maxEnd); draw(); });
	const legend = el("p", {}, ...PERMS.map(p => el("span", {}, el("span", { class: "swatch perm-" + p }), ` ${p}  `)));
	box.append(el("h3", { text: title }), legend,
		el("p", { class: "zoom" }, "from ", lo, " to ", hi, " ", zoom, " ", reset), bar, info, list);
	draw();
	return box;
}

function frames(s) {
	if (!s.frames)
		return el("p", { class: "frames-missing", text: "efimm's tables not rebuilt: " + (s.efimm_error || "") });
	return el("div", {}, el("h3", { text: "Page frames (efimm's frame database)" }),
		table(["state", "frames"], Object.entries(s.frames).map(([k, v]) =>
			el("tr", { class: "frame-count", "data-state": k, "data-count": v },
				el("td", { text: k }), el("td", { class: "num", text: v })))));
}

function audit(s) {
	const rows = s.audit.map(v => el("tr", { class: "verdict", "data-rule": v.rule, "data-result": v.result },
		el("td", { class: "mono", text: v.rule }),
		el("td", { class: "result-" + v.result, text: v.result }),
		el("td", { text: v.detail + (v.first.length ? ": " + v.first.map(r =>
			(r.label ? r.label + " " : "") + hex(r.start) + "-" + hex(r.last)).join(", ") : "") +
			(v.count > v.first.length ? ", ..." : "") })));
	const t = s.totals;
	return el("div", {}, el("h3", { text: "Audit" }), table(["rule", "verdict", "detail"], rows),
		el("p", { class: "totals", "data-passed": t.passed, "data-failed": t.failed,
			"data-warnings": t.warnings, "data-skipped": t.skipped,
			text: `${t.passed} passed, ${t.failed} failed, ${t.warnings} warnings, ${t.skipped} skipped` }));
}

function snapshot(s, i) {
	const cpu = Object.entries(s.cpu).map(([k, v]) => `${k}: ${v}`).join(", ");
	return el("section", { class: "snapshot", "data-index": i, "data-file": s.name },
		el("h2", { text: s.name }),
		el("p", { class: "meta", text: `${s.efimm}; ${s.table_pages} table pages, ${s.images} images; ` +
			`CR3 ${hex(s.regs.cr3)}; ${cpu}; Memory Attribute Protocol: ${s.memory_attribute_protocol}` }),
		physmap(s), frames(s),
		vaView("Virtual address space: the firmware's tables (linear, 48-bit)", s.firmware_va, "firmware"),
		vaView("Virtual address space: efimm's tables built from this map", s.efimm_va, "efimm"),
		audit(s));
}

function diffSection(d) {
	const mm = (cls, list) => list.map(e => el("tr", { class: cls, "data-type": e.type, "data-start": e.start },
		el("td", { text: cls === "diff-added" ? "new" : "gone" }), el("td", { text: e.type }),
		el("td", { class: "mono", text: hex(e.start) }), el("td", { class: "num", text: e.pages })));
	const va = (name, list) => list.map(r => el("tr", { class: "diff-va", "data-table": name,
		"data-start": r.start, "data-end": r.end, "data-a": r.a || "unmapped", "data-b": r.b || "unmapped" },
		el("td", { text: name }), el("td", { class: "mono", text: `${hex(r.start)}-${hex(r.end - 1)}` }),
		el("td", { text: r.a || "unmapped" }), el("td", { class: r.b === "W+X" ? "wx" : "", text: r.b || "unmapped" })));
	return el("section", { id: "diff" }, el("h2", { text: `What changed from ${d.a} to ${d.b}` }),
		el("h3", { text: "Memory map" }),
		table(["", "type", "start", "pages"], [...mm("diff-removed", d.removed), ...mm("diff-added", d.added)]),
		el("h3", { text: "Audit verdicts" }),
		table(["rule", d.a, d.b], d.verdicts.map(v => el("tr", { class: "diff-verdict", "data-rule": v.rule,
			"data-a": v.a, "data-b": v.b }, el("td", { text: v.rule }),
			el("td", { class: "result-" + v.a, text: v.a }), el("td", { class: "result-" + v.b, text: v.b })))),
		el("h3", { text: "Permissions" }),
		table(["tables", "range", d.a, d.b], [...va("firmware", d.firmware_va), ...va("efimm", d.efimm_va)]));
}

const root = document.getElementById("report");
if (DATA.diff)
	root.append(diffSection(DATA.diff));
DATA.snapshots.forEach((s, i) => root.append(snapshot(s, i)));
document.body.setAttribute("data-rendered", "yes");
