"""Pure computation: datasets, PyTensor graphs, optimizers, training state. Never imports Qt."""
