"""Run counts of the reference's own config files, computed with the reference's own code.

For every config file in DATEXIS/IMPRINT's src/config/, loads it with the reference's
`load_config` and expands it as scripts/run_imprinting_experiments.py does (backbones × datasets ×
label remappings × task splits, map-style remappings only for ImageNet), counting the runs
`generate_combinations` returns for each (seeds included). Writes a JSON fixture: per file, the
file's parameters as written (the `RANDOM_CLASS_REMAPPINGS` placeholder kept as it is), the total
and the count per data combination. The parameters are stored, not the files' text.

usage: /usr/bin/python3 tools/reference/reference_run_counts.py REFERENCE_CHECKOUT OUT.json
(needs pandas, scikit-learn and PyYAML: Debian's python3-pandas python3-sklearn python3-yaml)
"""
import json
import os
import sys

import yaml


def raw_parameters(path):
    """The file as the reference's loader reads it, before the ImageNet placeholder is expanded."""
    content = ""
    with open(path) as f:
        for line in f:
            content += line.split("#")[0] if "#" in line else line
    return yaml.safe_load(content)


def main(checkout, out_path):
    sys.path.insert(0, checkout)
    # The reference's modules import PyTorch, torchvision and wandb at the top (src/utils/helpers.py,
    # and src/experiments through the ImageNet placeholder's module); load_config and
    # generate_combinations use none of them. Stand-in modules answer those imports, so the counts
    # need no PyTorch; they hold nothing real, and code that used them would not compute counts.
    import importlib.abc
    import importlib.machinery
    import importlib.util
    from unittest import mock

    class StandIn(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        """Answers imports of packages that are not installed here (torch, wandb, …) with stand-ins."""

        roots = {"sklearn_extra", "torch", "torchvision", "wandb", "PIL", "requests", "rasterio", "dotenv", "transformers", "tqdm"}

        def find_spec(self, name, path=None, target=None):
            root = name.split(".")[0]
            if root not in self.roots:
                return None
            if name == root and importlib.machinery.PathFinder.find_spec(root) is not None:
                return None
            if name != root and not isinstance(sys.modules.get(root), mock.MagicMock):
                return None
            return importlib.util.spec_from_loader(name, self, is_package=True)

        def create_module(self, spec):
            module = mock.MagicMock(name=spec.name)
            module.__path__ = []
            module.__spec__ = spec
            return module

        def exec_module(self, module):
            pass

    sys.meta_path.insert(0, StandIn())
    from src.config.experiments import generate_combinations
    from src.utils.helpers import load_config

    config_dir = os.path.join(checkout, "src", "config")
    fixture = {}
    devnull = open(os.devnull, "w")
    for name in sorted(os.listdir(config_dir)):
        if not name.endswith(".yaml"):
            continue
        path = os.path.join(config_dir, name)
        config = load_config(path)
        if not config:
            raise SystemExit(f"{name}: the reference's load_config could not read it (its message is above)")
        backbones = config.get("backbones", ["resnet18"])
        datasets = config.get("datasets", [["MNIST"]])
        remappings = config.get("label_remappings", {"none": {}})
        splits = config.get("task_splits", {"all": [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]})
        combinations = []
        for backbone in backbones:
            for dataset in datasets:
                for mapping_name, mapping in remappings.items():
                    for split_name, split in splits.items():
                        if dataset != ["ImageNet"] and mapping_name.startswith("map"):
                            continue
                        stdout, sys.stdout = sys.stdout, devnull
                        try:
                            runs = len(generate_combinations(config, backbone_name=backbone, dataset_name=dataset, mapping_name=mapping_name, mapping=mapping, task_name=split_name, task_splits=split))
                        finally:
                            sys.stdout = stdout
                        combinations.append({"backbone": backbone, "dataset": dataset, "mapping": mapping_name, "split": split_name, "runs": runs})
        fixture[name] = {
            "parameters": json.loads(json.dumps(raw_parameters(path), default=list)),
            "referenceRuns": sum(c["runs"] for c in combinations),
            "combinations": combinations,
        }
        print(f"{name}: {fixture[name]['referenceRuns']} runs over {len(combinations)} data combinations")
    with open(out_path, "w") as f:
        json.dump(fixture, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
