// What the admin reads when a command fails. Rust writes every error's
// message in English for the admin and gives it a stable code; in English
// that message is shown as it is, in Swedish a sentence chosen by the code,
// with Rust's (and Microsoft's) English text kept beneath as details.
import type { AppError_Serialize, ErrorCode } from "./bindings";
import { language } from "./i18n.svelte";

/** A command's error, or a sentence the UI wrote itself in the admin's language. */
export type Problem = AppError_Serialize | string;

/** Swedish for each code, in the glossary's words. Where a code covers
 * many causes the sentence is general and the English details say which. */
export const swedishErrors: Record<ErrorCode, string> = {
  settings_storage:
    "License Desk kunde inte spara inställningarna. Kontrollera att du får skriva i din användarmapp och att det finns ledigt utrymme, och försök sedan igen.",
  internal: "Något oväntat hände i License Desk. Försök igen, och skicka detaljerna nedan till supporten om det händer igen.",
  network: "Det gick inte att nå Microsoft 365. Kontrollera nätverksanslutningen och försök igen.",
  service_unavailable: "Microsoft 365 svarar inte just nu. Vänta en stund och försök igen.",
  throttled: "Microsoft 365 tar inte emot fler förfrågningar just nu. Vänta några minuter och försök igen.",
  outcome_unknown:
    "Anslutningen bröts efter att ändringen skickades, så det går inte att veta om den gjordes. Kontrollera den innan du försöker igen.",
  signed_out: "Inloggningen har upphört. Logga in igen.",
  sign_in_failed: "Inloggningen misslyckades. Detaljerna nedan säger varför.",
  sign_in_cancelled: "Inloggningen avbröts.",
  sign_in_timed_out: "Ingen loggade in i tid. Försök igen.",
  insufficient_privileges:
    "Inloggningen saknar behörighet för detta. Licenser kan ändras av en global administratör, licensadministratör eller användaradministratör, eller av en app med rätt programbehörigheter.",
  license_inherited: "Licensen tilldelas via en grupp och måste tas bort i gruppen.",
  license_not_held: "Användaren har inte licensen. Den kan redan vara borttagen.",
  product_not_in_tenant: "Produkten finns inte i klientorganisationen.",
  no_free_seats: "Det finns inga tillgängliga licenser för produkten. Köp fler licenser eller frigör en i administrationscentret.",
  usage_location_missing:
    "Användaren saknar användningsplats, och en licens kan inte tilldelas utan den. Ange användningsplatsen i administrationscentret och försök igen.",
  user_not_found: "Användaren finns inte i klientorganisationen.",
  self_service_locked: "Produkten är ett självbetjäningsköp som en användare har gjort, och den kan inte ändras här.",
  graph_request_failed: "Microsoft 365 avvisade begäran. Detaljerna nedan säger varför.",
  keychain_unavailable: "License Desk kunde inte använda systemets lagring för inloggningsuppgifter.",
  run_not_found: "Körningen finns inte bland de sparade körningarna.",
  run_in_progress: "Körningen pågår redan i ett annat License Desk-fönster eller på kommandoraden. Vänta tills den är klar.",
  run_of_another_tenant: "Körningen hör till en annan klientorganisation än den du är inloggad i.",
  journal_damaged: "Körningens sparade uppgifter är skadade. Det som går att läsa visas, resten går inte att veta.",
  invalid_input: "Ett värde är inte giltigt. Detaljerna nedan säger vilket.",
  file_not_usable: "Filen kan inte öppnas i License Desk. Detaljerna nedan säger var i filen och vad som förväntades.",
  plan_of_another_tenant: "Den sparade planen gäller en annan klientorganisation än den du är inloggad i.",
  offline_read_only: "En fil är öppen, så inget kan ändras. Logga in i klientorganisationen för att göra ändringar.",
  update_failed: "Det gick inte att söka efter, hämta eller installera en ny version. Försök igen senare.",
};

/** The text to show for `problem` in the current language, and the
 * English details beneath it (null when there are none). */
export function errorText(problem: Problem): { text: string; details: string | null } {
  if (typeof problem === "string") return { text: problem, details: null };
  const details = problem.details?.trim() || null;
  const swedish = language() === "sv" ? swedishErrors[problem.code] : undefined;
  if (!swedish) return { text: problem.message, details };
  return { text: swedish, details: [problem.message, details].filter(Boolean).join(" ") };
}
