import { useState } from 'react';
import type { AmountUnit } from '../../lib/amount';

const KEY = 'hackcoin:ide-unit';

/** The unit the IDE shows coin amounts in, remembered in this browser. */
export function useAmountUnit(): [AmountUnit, (u: AmountUnit) => void] {
  const [unit, setUnit] = useState<AmountUnit>(() => (localStorage.getItem(KEY) === 'base' ? 'base' : 'HCK'));
  const set = (u: AmountUnit) => {
    localStorage.setItem(KEY, u);
    setUnit(u);
  };
  return [unit, set];
}
