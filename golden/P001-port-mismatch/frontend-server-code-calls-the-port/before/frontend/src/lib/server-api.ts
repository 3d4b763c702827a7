// server-side calls from Next route handlers go straight to the api container
const INTERNAL_API = process.env.INTERNAL_API_URL ?? "http://api:8080";

export async function listItems() {
  const res = await fetch(`${INTERNAL_API}/items`, { cache: "no-store" });
  return res.json();
}
