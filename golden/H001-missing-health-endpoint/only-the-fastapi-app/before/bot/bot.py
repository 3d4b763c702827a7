"""Answers /orders in the shop's Telegram chat by asking the API."""
import os

import httpx
from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes


async def orders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    async with httpx.AsyncClient(base_url=os.environ["API_URL"]) as client:
        response = await client.get("/orders/")
    await update.message.reply_text(f"{len(response.json())} orders")


def main() -> None:
    application = Application.builder().token(os.environ["TELEGRAM_TOKEN"]).build()
    application.add_handler(CommandHandler("orders", orders))
    application.run_polling()


if __name__ == "__main__":
    main()
