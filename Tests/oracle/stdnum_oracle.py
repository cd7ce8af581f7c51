"""Independent oracle for national numbers: reads one number per line on standard input and
writes, per line, what python-stdnum says: nn-valid, bis-valid, year, month, birth date, sex."""
import sys

from stdnum.be import bis, nn


def describe(number):
    nn_valid = nn.is_valid(number)
    bis_valid = bis.is_valid(number)
    module = nn if nn_valid else bis if bis_valid else None
    if module is None:
        return "0\t0\t-\t-\t-\t-"
    year = module.get_birth_year(number)
    month = module.get_birth_month(number)
    date = module.get_birth_date(number)
    sex = module.get_gender(number)
    return "\t".join([
        "1" if nn_valid else "0",
        "1" if bis_valid else "0",
        str(year) if year else "-",
        str(month) if month else "-",
        date.isoformat() if date else "-",
        sex or "-",
    ])


def main():
    out = []
    for line in sys.stdin:
        out.append(describe(line.strip()))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
