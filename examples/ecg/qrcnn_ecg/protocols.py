"""The three evaluation protocols (DESIGN.md).

(a) ``balanced``: beat types N, L, R, A, V; 4000 training and 1000
    validation beats per class, drawn at random (seeded) from all records
    with lead MLII. MIT-BIH has only 2546 A beats: validation takes 1000
    distinct A beats and training draws its 4000 A beats with replacement
    from the remaining 1546 (so about 2.6 copies of each; the metrics' notes
    say so). Validation beats are never in the training set.
(b) ``aami_intra``: AAMI classes N S V F Q, all beats of all records with
    MLII (102 and 104 have none), random 80/20 split of beats (seeded),
    stratified by class. Intra-patient: the same patients in both sets.
(c) ``aami_inter``: AAMI classes, train on DS1, test on DS2 (de Chazal 2004;
    paced records excluded). The honest, patient-independent figure.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

import numpy as np

from . import beats as B


@dataclass
class Split:
    name: str
    classes: List[str]
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    notes: str = ""
    test_records: np.ndarray = None
    test_samples: np.ndarray = None


def balanced(all_beats: B.BeatSet, seed: int = 0, n_train: int = 4000,
             n_val: int = 1000) -> Split:
    rng = np.random.default_rng(seed)
    y = B.nlrav_labels(all_beats.code)
    tr, va, notes = [], [], []
    for c, name in enumerate(B.NLRAV_CLASSES):
        idx = rng.permutation(np.flatnonzero(y == c))
        v = idx[:n_val]
        rest = idx[n_val:]
        if len(rest) >= n_train:
            t = rest[:n_train]
        else:
            t = np.concatenate([rest, rng.choice(rest, n_train - len(rest), replace=True)])
            notes.append(f"{name}: {len(idx)} beats in total; training uses "
                         f"{len(rest)} distinct beats resampled to {n_train}")
        tr.append(t)
        va.append(v)
    tr = rng.permutation(np.concatenate(tr))
    va = np.concatenate(va)
    return Split("balanced_NLRAV", B.NLRAV_CLASSES, all_beats.x[tr], y[tr],
                 all_beats.x[va], y[va], "; ".join(notes),
                 all_beats.record[va], all_beats.sample[va])


def aami_intra(all_beats: B.BeatSet, seed: int = 0, test_fraction: float = 0.2) -> Split:
    rng = np.random.default_rng(seed)
    y = B.aami_labels(all_beats.code)
    tr, te = [], []
    for c in range(len(B.AAMI_CLASSES)):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = int(round(len(idx) * test_fraction))
        te.append(idx[:k])
        tr.append(idx[k:])
    tr = rng.permutation(np.concatenate(tr))
    te = np.concatenate(te)
    return Split("aami_intra", B.AAMI_CLASSES, all_beats.x[tr], y[tr],
                 all_beats.x[te], y[te],
                 "all MLII records (46), 80/20 stratified random beat split",
                 all_beats.record[te], all_beats.sample[te])


def aami_inter(all_beats: B.BeatSet) -> Split:
    y = B.aami_labels(all_beats.code)
    ok = y >= 0
    tr = np.flatnonzero(ok & np.isin(all_beats.record, B.DS1))
    te = np.flatnonzero(ok & np.isin(all_beats.record, B.DS2))
    return Split("aami_inter_DS1_DS2", B.AAMI_CLASSES, all_beats.x[tr], y[tr],
                 all_beats.x[te], y[te],
                 "train DS1 (22 records), test DS2 (22 records), de Chazal 2004",
                 all_beats.record[te], all_beats.sample[te])
