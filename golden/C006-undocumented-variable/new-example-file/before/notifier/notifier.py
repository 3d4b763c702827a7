import os
import smtplib


def main() -> None:
    with smtplib.SMTP(os.environ["SMTP_HOST"]) as smtp:
        smtp.noop()


if __name__ == "__main__":
    main()
