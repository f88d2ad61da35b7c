"""Write the synthetic learning-cities dataset: the same code and options as `chava generate`.

python benchmarks/generate.py --size 100k -o benchmarks/data/100k.nq
"""

from __future__ import annotations

import sys

from chava.cli.generate import generate_command

if __name__ == "__main__":
    generate_command.main(args=sys.argv[1:], prog_name="benchmarks/generate.py")
