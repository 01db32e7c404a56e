import { newQuickJSWASMModule, RELEASE_SYNC } from 'quickjs-emscripten';
const mod = await newQuickJSWASMModule(RELEASE_SYNC);
function run(code){
const rt = mod.newRuntime();
let polls = 0;
rt.setInterruptHandler(() => { polls++; return polls > 1e6; });
const ctx = rt.newContext();
let t = performance.now();
let r = ctx.evalCode(code);
const out = r.error ? ctx.dump(r.error) : ctx.dump(r.value);
console.log(code.slice(0,70), (performance.now()-t).toFixed(1), 'ms polls', polls, JSON.stringify(out).slice(0,80));
r.error?.dispose(); r.value?.dispose(); ctx.dispose(); rt.dispose();
}
run(`let s='a'.repeat(1e7); /z/.test(s)`);
run(`let s='a'.repeat(1e7); /z/.test(s)`);
run(`let s='a'.repeat(1e7); /a*z/.test(s)`);
run(`let s='a'.repeat(1e7); s.replace(/a/g,'b').length`);
run(`/(a+)+$/.test('a'.repeat(22)+'b')`);
run(`/(a+)+$/.test('a'.repeat(22)+'b')`);
run(`let s='a'.repeat(1e7); 1`);
run(`for (let i=0;i<1e6;i++){}`);
run(`let s=1;for (let i=0;i<1e6;i++){Math.abs(i)}`);
run(`let a=[];for (let i=0;i<1e6;i++){a.push(i)}; a.sort((x,y)=>y-x); 1`);
