import { TextField } from '../../components/Field';

export const MIN_PASSWORD = 8;

export function passwordError(password: string, confirm: string): string | null {
  if (password.length < MIN_PASSWORD) return `Use at least ${MIN_PASSWORD} characters`;
  if (password !== confirm) return 'The passwords do not match';
  return null;
}

export function PasswordFields({ password, confirm, onPassword, onConfirm, touched }: { password: string; confirm: string; onPassword: (v: string) => void; onConfirm: (v: string) => void; touched: boolean }) {
  const err = touched ? passwordError(password, confirm) : null;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <TextField label="Password" type="password" name="new-password" autoComplete="new-password" value={password} onChange={(e) => onPassword(e.target.value)} hint={`Encrypts the keystore in this browser (min. ${MIN_PASSWORD} characters)`} />
      <TextField label="Repeat password" type="password" name="confirm-password" autoComplete="new-password" value={confirm} onChange={(e) => onConfirm(e.target.value)} error={err} />
    </div>
  );
}
