from mentoring.cli import console

console()
