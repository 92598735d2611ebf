// Task text for case 7, in our own words; keeps every definition, convention and key.

export const hicPrompt = `You are analysing a simulated regulatory-genomics data set; treat it exactly as you would real
data. Hi-C was run on two case and two control replicates over chr8:400,000–2,000,000. Measure how
strongly the chromatin loop between 20 kb bin_id 8 and 20 kb bin_id 17 (ids of bins_20kb.tsv.gz) is
enriched over the distance-decay background in each condition.

Files in your workspace:
- bins_20kb.tsv.gz — the 80 bins at 20 kb: bin_id, chrom, start, end, gc_content, mappability,
  re_sites (restriction sites in the bin). bin_id 0 starts at chr8:400,000; coordinates are 0-based,
  end-exclusive.
- bins_40kb.tsv.gz — the same columns for the 40 bins at 40 kb (their own bin_ids, 0–39).
- contacts_20kb.npz — NumPy .npz with raw contact counts: case_rep1, case_rep2, control_rep1,
  control_rep2 (int32, 80 × 80, symmetric; row/column k is bin_id[k]) and bin_id.
- contacts_40kb.npz — the same four samples at 40 kb (40 × 40; 20 kb counts summed in 2 × 2 blocks)
  and bin_id.
- samples.tsv.gz — sample, condition, replicate, total_contacts.

Definitions and conventions (apply to each replicate separately, on the 20 kb matrices):
- Mask unreliable bins before anything else: bins with mappability < 0.5, and the bins of a
  structural variant present in the case samples only. The variant's location is not annotated;
  find it from the contact data. Mask its whole segment (from its first to its last affected bin)
  in all four samples, so case and control are processed on the same bins.
- Ignore the main diagonal and the first off-diagonal (|i − j| < 2). Balance the masked matrix by
  iterative correction (ICE) until every unmasked row has the same sum.
- Expected contact at distance d = mean balanced contact over all unmasked bin pairs (i, i + d) of
  that replicate's own balanced matrix.
- Loop strength of a replicate = log2(observed / expected) at the pixel (bin 8, bin 17).

Report:
- case_loop_strength (float): mean of the loop strength over the case replicates.
- control_loop_strength (float): mean of the loop strength over the control replicates.
- delta_loop_strength (float): case_loop_strength − control_loop_strength.

The data are simulated and depart from real Hi-C in one way that matters here: the matrices cover
only this region, so balancing is done within it rather than over the whole chromosome.

Be alert to: low-mappability contacts and the case-only structural variant, which distort the
expected-contact model unless masked first; bin ids that differ between resolutions; and samples
whose contact-distance profiles differ.

Analyse the files rigorously: your reasoning and quality control are graded, not only the numbers.
Reply with exactly one JSON object — no markdown fences, no text before or after it, no key omitted:
{"answer": {"case_loop_strength": <float>, "control_loop_strength": <float>, "delta_loop_strength": <float>}, "reasoning": "<method and QC>"}`;
