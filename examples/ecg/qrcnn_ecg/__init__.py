"""qrcnn_ecg: the data and training half of qrcnn's ECG example.

Modules: wfdb (file reader), beats (windows, labels, record lists),
protocols (the three evaluation splits), models (float and QAT CNN/RCNN),
export (ONNX QDQ and INT4 forms), intref (integer-exact reference).
"""
