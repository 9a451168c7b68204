// The test double that answers the extension's questions in the integration layer (test/integration/queuedInput.ts)
// is plain TypeScript: its bookkeeping is checked here, so an integration test cannot pass on a double that ignores
// what it was asked.
import * as assert from 'assert';
import type { Back } from '../../src/ui/input';
import { QueuedInput } from '../integration/queuedInput';

const BACK: Back = Symbol('back') as Back;

describe('QueuedInput (the integration layer\'s UserInput)', () => {
  it('openFile records what it was asked and answers the queued file', async () => {
    const q = new QueuedInput([{ open: '/tmp/identity.jwt' }, { open: undefined }], BACK);
    assert.strictEqual(await q.openFile('Choose the CA certificate'), '/tmp/identity.jwt');
    assert.strictEqual(await q.openFile('Choose another'), undefined, 'Cancel');
    assert.deepStrictEqual(
      q.asked.map((a) => [a.kind, a.title]),
      [
        ['openFile', 'Choose the CA certificate'],
        ['openFile', 'Choose another'],
      ],
    );
    assert.strictEqual(q.remaining, 0);
  });

  it('openFile fails clearly when no answer is queued, or the next answer is for another question', async () => {
    await assert.rejects(new QueuedInput([], BACK).openFile('Choose a file'), /no answer queued for openFile "Choose a file"/);
    await assert.rejects(new QueuedInput([{ save: '/x' }], BACK).openFile('Choose a file'), /an open dialog asked: Choose a file/);
  });

  it('saveFile and typeToConfirm record what they were asked too', async () => {
    const q = new QueuedInput([{ save: '/tmp/a.jwt' }, { typed: 'prod' }, { typed: 'nope' }], BACK);
    assert.strictEqual(await q.saveFile('Save the JWT', 'a.jwt'), '/tmp/a.jwt');
    assert.strictEqual(await q.typeToConfirm('Type prod', 'prod'), true);
    assert.strictEqual(await q.typeToConfirm('Type prod', 'prod'), false);
    assert.deepStrictEqual(q.asked.map((a) => `${a.kind}:${a.text}`), ['saveFile:a.jwt', 'typeToConfirm:Type prod', 'typeToConfirm:Type prod']);
  });
});
