// Task text for case 5, in our own words; keeps the definition, key and conventions of the task.

export const scEqtlPrompt = `You are analysing a simulated single-cell genomics data set; treat it exactly as you would real
data. Peripheral-blood monocytes from 60 donors were profiled by droplet single-cell RNA-seq, several
donors pooled per lane. A subset of the monocytes is in an interferon-activated state, marked by high
expression of interferon-stimulated genes such as IFI6 and ISG15 (resting monocytes express more
LST1). Estimate how the lead variant near CXCL10 changes CXCL10 expression in the activated monocytes.

Files in your workspace:
- cell_counts.tsv.gz — one row per cell-containing droplet (monocytes only): cell_id (D01_C001, …),
  donor, total_umi (all UMIs in the droplet, every gene), then UMI counts for HBB, IFI6, ISG15, LST1,
  IFIT1, MX1, CD14, FCGR3A, S100A8 and CXCL10.
- donors.tsv.gz — one row per donor: donor, lane (the droplet lane the donor's cells were run in),
  sex, age, rs_cxcl10_alt_dosage (number of copies of effect_allele, 0–2), effect_allele,
  other_allele.
- empty_droplets.tsv.gz — barcodes without a cell, per lane: lane, barcode, total_umi and the same
  gene columns; they contain only the lane's cell-free (ambient) RNA.

Every droplet also captures ambient (cell-free) RNA from its lane. Within a lane each droplet
captures about the same amount of it, whatever cell it holds, so cells with small libraries are
proportionally more contaminated; lanes differ in how much ambient RNA they carry. In these
simulated data the ambient pool is far richer in interferon-stimulated transcripts (IFI6, ISG15,
IFIT1, MX1 together about 15% of ambient UMIs) and in CXCL10 than the cell-free RNA of a
typical blood sample, and the dirtiest lanes are dirtier than most real runs, so the contamination
visibly distorts the activation markers. It affects both the target gene and the genes that mark
the activated state, so it has to be removed before the activated cells are identified and before
the eQTL is modelled. Monocytes do not express haemoglobin genes.

Report:
- beta_activated (float): the per-allele log rate ratio of CXCL10 expression in activated monocytes,
  i.e. the natural-log change in the cell-intrinsic CXCL10 expression rate (CXCL10 UMIs per UMI of
  the cell's own RNA) per additional copy of effect_allele, realised in these donors: the slope of
  each donor's log activated-cell CXCL10 rate on dosage across all donors. Lanes differ only in their
  ambient RNA, not in biology, so this is the slope across donors, not a within-lane comparison.

Analyse the files rigorously: your reasoning and quality control are graded, not only the number.
Reply with exactly one JSON object — no markdown fences, no text before or after it, no key omitted:
{"answer": {"beta_activated": <float>}, "reasoning": "<method and QC>"}`;
