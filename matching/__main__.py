from matching.cli import console

console()
