"""A subprocess call that runs a fixed program with a list of arguments and no shell:
the forms that count, and those that must not (a shell or an interpreter as the program,
`shell=True`, `executable=`, a program chosen by a value, a list changed at its front)."""

from __future__ import annotations

import pytest

from assay.normalize.fixed_program import fixed_program

HEAD = "import subprocess\nfrom subprocess import run\n\n\n"


def _line(source: str) -> int:
    return next(n for n, text in enumerate(source.splitlines(), 1)
                if ("subprocess." in text and "import" not in text) or "run(" in text)


@pytest.mark.parametrize("source", [
    HEAD + "def thumb(src, size):\n"
           "    subprocess.run(['convert', src, '-resize', size, 'out.png'], check=True)\n",
    HEAD + "def pdf(title, path):\n"
           "    return subprocess.check_output(('/usr/bin/wkhtmltopdf', '--title', title,\n"
           "                                    path)).decode()\n",
    HEAD + "def pdf(title):\n    run(['pandoc', f'title={title}'], shell=False)\n",
    HEAD + "def pdf(title):\n    subprocess.Popen(args=['pandoc', title], cwd='/srv')\n",
    # a name every assignment of which is such a list, then only grown at its end
    HEAD + "def compile(folder, quiet):\n    cmd = ['pybabel', 'compile', '-d', folder]\n"
           "    if quiet:\n        cmd.append('-q')\n    cmd += ['--statistics']\n"
           "    cmd.extend(['-f'])\n    print(' '.join(cmd))\n    subprocess.call(cmd)\n",
    HEAD + "def compile(folder):\n    cmd: list[str] = ['pybabel', '-d', folder]\n"
           "    subprocess.call(cmd)\n",
    # `sp.run`, `Popen` imported by name
    "import subprocess as sp\n\n\ndef f(x):\n    sp.run(['git', 'log', x])\n",
    # the program a module-level name bound once to a string literal
    HEAD + "TRACEROUTE = '/usr/sbin/traceroute'\n\n\ndef f(x):\n"
           "    subprocess.run([TRACEROUTE, '-m', '15', x])\n",
])
def test_a_fixed_program_given_a_list_counts(source: str) -> None:
    assert fixed_program(source.encode(), _line(source))


@pytest.mark.parametrize("source", [
    # a shell, an interpreter, a program that runs another's command line
    HEAD + "def f(x):\n    subprocess.run(['sh', '-c', x])\n",
    HEAD + "def f(x):\n    subprocess.run(['/bin/bash', '-c', x])\n",
    HEAD + "def f(x):\n    subprocess.run(['python3.12', '-c', x])\n",
    HEAD + "def f(x):\n    subprocess.run(['perl', '-e', x])\n",
    HEAD + "def f(x):\n    subprocess.run(['ssh', 'host', x])\n",
    HEAD + "def f(x):\n    subprocess.run(['env', x])\n",
    HEAD + "def f(x):\n    subprocess.run(['sudo', x])\n",
    HEAD + "def f(x):\n    subprocess.run(['CMD.EXE', '/c', x])\n",
    # a shell, a replaced program, options that may hold either
    HEAD + "def f(x):\n    subprocess.run(['ls', x], shell=True)\n",
    HEAD + "def f(x, flag):\n    subprocess.run(['ls', x], shell=flag)\n",
    HEAD + "def f(x, exe):\n    subprocess.run(['ls', x], executable=exe)\n",
    HEAD + "def f(x, opts):\n    subprocess.run(['ls', x], **opts)\n",
    # the program a value, or no list
    HEAD + "def f(tool, x):\n    subprocess.run([tool, x])\n",
    HEAD + "import sys\n\n\ndef f(x):\n    subprocess.run([sys.executable, '-m', x])\n",
    HEAD + "def f(x):\n    subprocess.run([*x, 'y'])\n",
    HEAD + "def f(x):\n    subprocess.run('convert ' + x)\n",
    HEAD + "def f(x):\n    subprocess.run([])\n",
    HEAD + "def f():\n    subprocess.run()\n",
    # a name: a parameter, bound to anything else, changed at its front
    HEAD + "def f(cmd):\n    subprocess.run(cmd)\n",
    HEAD + "def f(cmd):\n    subprocess.run(cmd + ['x'])\n",
    HEAD + "def f(x):\n    cmd = ['ls', x]\n    if x:\n        cmd = x.split()\n"
           "    subprocess.run(cmd)\n",
    HEAD + "def f(x):\n    cmd = ['ls', x]\n    cmd.insert(0, x)\n    subprocess.run(cmd)\n",
    HEAD + "def f(x):\n    cmd = ['ls', x]\n    cmd[0] = x\n    subprocess.run(cmd)\n",
    HEAD + "def f(x):\n    cmd = ['ls', x]\n    del cmd[0]\n    subprocess.run(cmd)\n",
    HEAD + "def f(x):\n    cmd = ['ls', x]\n    cmd.pop(0)\n    subprocess.run(cmd)\n",
    HEAD + "def f(x):\n    cmd = ['ls', x]\n    cmd *= 2\n    subprocess.run(cmd)\n",
    HEAD + "def f(xs):\n    for cmd in xs:\n        subprocess.run(cmd)\n",
    HEAD + "def f(x):\n    with open(x) as cmd:\n        subprocess.run(cmd)\n",
    HEAD + "CMD = ['ls']\n\n\ndef f():\n    subprocess.run(CMD)\n",
    # a module name bound to a runner, or bound twice
    HEAD + "SHELL = '/bin/sh'\n\n\ndef f(x):\n    subprocess.run([SHELL, '-c', x])\n",
    HEAD + "TOOL = 'ls'\nTOOL = input()\n\n\ndef f(x):\n    subprocess.run([TOOL, x])\n",
    # a second call on the line that is not fixed
    HEAD + "def f(x):\n    subprocess.run(['ls', x]); subprocess.run(x, shell=True)\n",
])
def test_other_forms_do_not(source: str) -> None:
    assert not fixed_program(source.encode(), _line(source))


def test_a_file_that_does_not_parse_or_a_line_with_no_call_does_not() -> None:
    assert not fixed_program(b"def f(x:\n    subprocess.run(['ls', x])\n", 2)
    assert not fixed_program(HEAD.encode(), 1)
